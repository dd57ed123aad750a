import { execFile } from "node:child_process";
import path from "node:path";

export const CLI = path.resolve(__dirname, "../../dist/main.js");
export const EXAMPLE_CONFIG = path.resolve(__dirname, "../../../../config.example.yaml");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The built CLI as an operator runs it: config.example.yaml plus `env` (DATABASE_URL,
 * KAFKA_DLQ_TOPIC, …). stdin is not a terminal, as in a script.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, CONFIG_FILE: EXAMPLE_CONFIG, LOG_LEVEL: "warn", ...env }, timeout: 45_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}
