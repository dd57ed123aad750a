import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL, uniqueSuffix, waitFor } from "./stack-env";
import { errorMessage } from "../errors";

/** A port nobody listens on right now (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote, for assertions and for failure messages. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process ends. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Runs a built app (`node dist/main.js`) as a real process with the given environment and
 * waits until its /ready answers 200 on `port`.
 */
export async function startAppProcess(script: string, env: Record<string, string>, port: number, readyTimeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  let ended = false;
  void exited.then(() => (ended = true));

  const app: AppProcess = {
    child,
    port,
    output: () => output,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
  try {
    // A process that exits ends the wait at once (-1) instead of after the whole timeout.
    const status = await waitFor(
      async () => (ended ? -1 : (await fetch(`http://127.0.0.1:${port}/ready`)).status),
      (status) => status === 200 || status === -1,
      { timeoutMs: readyTimeoutMs, what: `${script} to become ready` },
    );
    if (status === -1) throw new Error(`${script} exited before becoming ready`);
  } catch (error) {
    await app.stop("SIGKILL");
    throw new Error(`${errorMessage(error)}\n--- output ---\n${output.slice(-4000)}`);
  }
  return app;
}

export interface IngesterEnvOptions {
  databaseUrl: string;
  topics: string[];
  deadLetterTopic: string;
  port: number;
  extra?: Record<string, string>;
}

/** The environment an ingester process needs to run against a test database and test topics. */
export function ingesterEnv({ databaseUrl, topics, deadLetterTopic, port, extra = {} }: IngesterEnvOptions): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
    KAFKA_TOPICS: topics.join(","),
    KAFKA_DLQ_TOPIC: deadLetterTopic,
    KAFKA_CONSUMER_GROUP: `test-ingester-${uniqueSuffix()}`,
    INGESTER_PORT: String(port),
    LOG_LEVEL: "warn",
    ...extra,
  };
}

export type AppName = "ingester" | "aggregator" | "query-api";

/**
 * An app's built entry point, resolved from the calling package through the app's `exports`:
 * packages start apps as processes and never load their modules. Pass the caller's `require`,
 * whose package lists the app as a dependency. `entry` names another exported entry point (the
 * ingester's main-with-faults, which only the fault tests start).
 */
export function appMain(resolveFrom: NodeJS.Require, app: AppName, entry = "main"): string {
  return resolveFrom.resolve(`@trading-analytics/${app}/${entry}`);
}
