import { coreCli } from "../core-cli";

/** Core's analytics-retention itself (its usage, output and exit codes): one implementation, two ways in. */
export function executeRetention(argv: readonly string[]): Promise<number> {
  return coreCli.retention().retentionCli([...argv]);
}
