import { EXIT } from "../cli-errors";
import { coreCli } from "../core-cli";
import { loadCliConfig } from "../runtime";

/** The same work as core's analytics-migrate. */
export async function executeMigrate(): Promise<number> {
  await coreCli.migrate().migrate(loadCliConfig());
  return EXIT.ok;
}
