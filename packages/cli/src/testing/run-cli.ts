import { execFile } from "node:child_process";
import path from "node:path";

/** The launcher an operator runs (bin of the package, root `pnpm analytics`); it runs dist/main.js. */
export const CLI = path.resolve(__dirname, "../../bin/analytics.js");
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
  return execCli(args, { ...process.env, CONFIG_FILE: EXAMPLE_CONFIG, LOG_LEVEL: "warn", ...env });
}

// What could tell the CLI where its configuration or services are. The test run itself sets
// some (infra/dev-env.sh exports DATABASE_URL, REDIS_URL and KAFKA_BROKERS).
const PLACING = /^(CONFIG_FILE|DATABASE_URL|DB_\w+|REDIS_\w+|KAFKA_\w+)$/;

/** This process's environment without any variable that configures where the CLI connects. */
export function unconfiguredEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !PLACING.test(name)));
}

/** The built CLI as a newcomer runs it: no config file, no variables, from `cwd` (without a config.yaml). */
export function runCliUnconfigured(args: readonly string[], cwd: string): Promise<CliRun> {
  return execCli(args, unconfiguredEnv(), cwd);
}

function execCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, cwd, timeout: 45_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}
