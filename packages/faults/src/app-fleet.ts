import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AppProcess, freePort, startAppProcess } from "@trading-analytics/core/testing";
import { type PrivateStack, REPO_ROOT } from "./private-stack";

export const SESSION_TIMEOUT_MS = 6_000;

const INGESTER = join(REPO_ROOT, "apps/ingester/dist/main.js");
const AGGREGATOR = join(REPO_ROOT, "apps/aggregator/dist/main.js");

/** A short session timeout so the group notices a frozen or killed replica within seconds. */
function writeConfig(dir: string): string {
  const file = join(dir, "faults-config.yaml");
  writeFileSync(
    file,
    ["kafka:", `  session_timeout: ${SESSION_TIMEOUT_MS / 1000}s`, "  heartbeat_interval: 2s", "database:", "  max_connections: 5", ""].join("\n"),
  );
  return file;
}

/** The apps as real processes against the private stack: ingester replicas in one group and the aggregator. */
export class AppFleet {
  readonly ingesters: AppProcess[] = [];
  aggregator: AppProcess | undefined;
  private readonly configFile: string;
  /** Every process ever started, so that a crash report can show its output. */
  readonly history: Array<{ name: string; app: AppProcess }> = [];
  /** Exits nobody asked for: the fleet restarts the process (as a supervisor would) and records it. */
  readonly crashes: Array<{ name: string; pid: number | undefined; at: number; status: number | string; output: string }> = [];
  private readonly expected = new WeakSet<AppProcess>();
  private stopping = false;

  constructor(private readonly stack: PrivateStack) {
    this.configFile = writeConfig(stack.dataDir);
  }

  private async env(port: number): Promise<Record<string, string>> {
    return {
      CONFIG_FILE: this.configFile,
      DATABASE_URL: this.stack.databaseUrl,
      REDIS_URL: this.stack.redisUrl,
      KAFKA_BROKERS: this.stack.kafkaBrokers,
      KAFKA_TOPICS: "trading.events",
      KAFKA_DLQ_TOPIC: "analytics.dead-letter",
      KAFKA_CONSUMER_GROUP: "faults-ingester",
      INGESTER_PORT: String(port),
      AGGREGATOR_PORT: String(port),
      LOG_LEVEL: "warn",
    };
  }

  async addIngester(): Promise<AppProcess> {
    const port = await freePort();
    const app = await startAppProcess(INGESTER, await this.env(port), port, 120_000);
    this.ingesters.push(app);
    this.history.push({ name: "ingester", app });
    this.supervise("ingester", app, async () => {
      this.forget(app);
      await this.addIngester();
    });
    return app;
  }

  /** Takes a replica out of the list (after it was killed or stopped). */
  forget(app: AppProcess): void {
    const index = this.ingesters.indexOf(app);
    if (index >= 0) this.ingesters.splice(index, 1);
  }

  async startAggregator(): Promise<AppProcess> {
    const port = await freePort();
    const app = await startAppProcess(AGGREGATOR, await this.env(port), port, 120_000);
    this.aggregator = app;
    this.history.push({ name: "aggregator", app });
    this.supervise("aggregator", app, async () => {
      await this.startAggregator();
    });
    return app;
  }

  /** Sends a signal the fleet expects to end the process (a fault, or a replica retired). */
  async kill(app: AppProcess, signal: NodeJS.Signals): Promise<void> {
    this.expected.add(app);
    await app.stop(signal);
  }

  private supervise(name: string, app: AppProcess, restart: () => Promise<void>): void {
    void app.exited.then(async (status) => {
      if (this.stopping || this.expected.has(app)) return;
      this.crashes.push({ name, pid: app.child.pid, at: Date.now(), status, output: app.output().slice(-3000) });
      await restart().catch((error: Error) => this.crashes.push({ name, pid: undefined, at: Date.now(), status: "restart failed", output: error.message }));
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.ingesters, ...(this.aggregator ? [this.aggregator] : [])].map((app) => app.stop("SIGTERM")));
  }
}
