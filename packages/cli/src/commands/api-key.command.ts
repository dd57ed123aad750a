import { coreCli } from "../core-cli";

/** Core's analytics-api-key itself (its usage, output and exit codes): one implementation, two ways in. */
export function executeApiKey(argv: readonly string[]): Promise<number> {
  return coreCli.apiKey().apiKeyCli([...argv]);
}
