import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, KILL_AFTER_DB_COMMIT_ENV, KILL_AFTER_DB_COMMIT_MARKER } from "@trading-analytics/core";
import { type AppProcess, appMain, freePort, startAppProcess } from "@trading-analytics/core/testing";
import type { PrivateStack } from "./private-stack";

export const SESSION_TIMEOUT_MS = 6_000;

const INGESTER = appMain(require, "ingester");
/** The ingester with its fault hooks wired in: only replicas armed with one start from it. */
const INGESTER_WITH_FAULTS = appMain(require, "ingester", "main-with-faults");
const AGGREGATOR = appMain(require, "aggregator");
const QUERY_API = appMain(require, "query-api");

/** An ingester replica armed to SIGKILL itself between a chunk's database commit and its Kafka commit. */
export interface ArmedIngester {
  /** Undefined when it killed itself before its /ready answered. */
  app: AppProcess | undefined;
  /** True once it killed itself at that instant; false if it ended any other way. */
  fired: Promise<boolean>;
}

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
  /** Armed replicas that killed themselves between the two commits, as asked. */
  readonly hookKills: Array<{ pid: number | undefined; at: number; announcement: string }> = [];
  queryApi: AppProcess | undefined;
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
      QUERY_API_PORT: String(port),
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

  /**
   * A replica started with INGESTER_FAULT_KILL_AFTER_DB_COMMIT=`plan` (e.g. every:3): it kills
   * itself right after a chunk's transaction commits, before the chunk's offsets reach Kafka.
   * That death is the fault, not a crash: it is neither recorded as one nor restarted.
   */
  async addArmedIngester(plan: string): Promise<ArmedIngester> {
    const port = await freePort();
    let app: AppProcess;
    try {
      app = await startAppProcess(INGESTER_WITH_FAULTS, { ...(await this.env(port)), [KILL_AFTER_DB_COMMIT_ENV]: plan }, port, 120_000);
    } catch (error) {
      // It can get partitions and store a chunk before its /ready is first polled.
      const message = errorMessage(error);
      if (!message.includes(KILL_AFTER_DB_COMMIT_MARKER)) throw error;
      this.hookKills.push({ pid: undefined, at: Date.now(), announcement: announcementIn(message, KILL_AFTER_DB_COMMIT_MARKER) });
      return { app: undefined, fired: Promise.resolve(true) };
    }
    this.ingesters.push(app);
    this.history.push({ name: "ingester (armed)", app });
    const fired = app.exited.then((status) => status === "SIGKILL" && app.output().includes(KILL_AFTER_DB_COMMIT_MARKER));
    this.supervise(
      "ingester",
      app,
      async () => {
        this.forget(app);
        await this.addIngester();
      },
      async () => {
        if (!(await fired)) return false;
        this.forget(app);
        this.hookKills.push({ pid: app.child.pid, at: Date.now(), announcement: announcementIn(app.output(), KILL_AFTER_DB_COMMIT_MARKER) });
        return true;
      },
    );
    return { app, fired };
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

  async startQueryApi(extra: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const app = await startAppProcess(QUERY_API, { ...(await this.env(port)), ...extra }, port, 120_000);
    this.queryApi = app;
    this.history.push({ name: "query-api", app });
    this.supervise("query-api", app, async () => {
      await this.startQueryApi(extra);
    });
    return app;
  }

  /** Sends a signal the fleet expects to end the process (a fault, or a replica retired). */
  async kill(app: AppProcess, signal: NodeJS.Signals): Promise<void> {
    this.expected.add(app);
    await app.stop(signal);
  }

  /** `injected`: true when the exit was a fault the process injected itself (not a crash, not restarted). */
  private supervise(name: string, app: AppProcess, restart: () => Promise<void>, injected: () => Promise<boolean> = async () => false): void {
    void app.exited.then(async (status) => {
      if (this.stopping || this.expected.has(app) || (await injected())) return;
      this.crashes.push({ name, pid: app.child.pid, at: Date.now(), status, output: app.output().slice(-3000) });
      await restart().catch((error: Error) => this.crashes.push({ name, pid: undefined, at: Date.now(), status: "restart failed", output: error.message }));
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const apps = [...this.ingesters, ...(this.aggregator ? [this.aggregator] : []), ...(this.queryApi ? [this.queryApi] : [])];
    await Promise.allSettled(apps.map((app) => app.stop("SIGTERM")));
  }
}

/** The line holding the marker in a process's output (the chunk it died on), or "" when cut off. */
function announcementIn(output: string, marker: string): string {
  return output.split("\n").find((line) => line.includes(marker))?.trim() ?? "";
}
