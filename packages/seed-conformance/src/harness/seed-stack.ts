import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type AppName,
  appMain,
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  startAppProcess,
  TEST_DATABASE_URL,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueSuffix,
} from "@trading-analytics/core/testing";

export const REPO_ROOT = path.resolve(__dirname, "../../../..");
export const FIXTURES = path.resolve(__dirname, "../fixtures");

export type { AppName };
const MAIN: Record<AppName, string> = {
  "query-api": appMain(require, "query-api"),
  ingester: appMain(require, "ingester"),
  aggregator: appMain(require, "aggregator"),
};

/** The seeds' topics (002: the four B25 topics; 004: NexusCore's user-events), made fresh per run. */
export const SEED_TOPICS = ["trading.events", "market.data", "order.events", "user.actions", "user-events"] as const;
export type SeedTopic = (typeof SEED_TOPICS)[number];

export interface SeedStackOptions {
  /** A seed configuration file under fixtures/ (CONFIG_FILE), or none (defaults + environment only). */
  config?: string;
  apps: AppName[];
  /** Variables added to (or replacing) the seed environment below. */
  env?: Record<string, string>;
}

/**
 * A fresh database and fresh topics on the shared stack, and the apps started from their
 * build as processes. Everything a deployment would change goes through the seeds' own
 * environment variables (002 "Environment Variable Overrides", 004 "Environment Variables"):
 * the configuration files stay verbatim.
 */
export class SeedStack {
  readonly apps = new Map<AppName, AppProcess>();
  readonly ports = new Map<AppName, number>();

  private constructor(
    readonly db: TestDatabase,
    readonly topics: Record<SeedTopic, string>,
    readonly deadLetterTopic: string,
    readonly group: string,
    private readonly removeTopics: () => Promise<void>,
  ) {}

  static async start(options: SeedStackOptions): Promise<SeedStack> {
    const db = await createTestDatabase("seeds");
    const created = await createTestTopics([...SEED_TOPICS, "dead-letter"], 2);
    const topics = Object.fromEntries(SEED_TOPICS.map((name, i) => [name, created.topics[i]!])) as Record<SeedTopic, string>;
    const stack = new SeedStack(db, topics, created.topics[SEED_TOPICS.length]!, `seeds-${uniqueSuffix()}`, created.remove);
    try {
      await Promise.all(options.apps.map((app) => stack.startApp(app, options)));
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** B25's variables for the database, Redis and Kafka (002), ours for the fresh topics. */
  seedEnv(): Record<string, string> {
    const database = new URL(this.db.url);
    const redis = new URL(TEST_REDIS_URL);
    return {
      DB_HOST: database.hostname,
      DB_PORT: database.port || "5432",
      DB_NAME: this.db.name,
      DB_USER: decodeURIComponent(database.username || "postgres"),
      DB_PASSWORD: decodeURIComponent(database.password),
      REDIS_HOST: redis.hostname,
      REDIS_PORT: redis.port || "6379",
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
      KAFKA_TOPICS: SEED_TOPICS.map((name) => this.topics[name]).join(","),
      KAFKA_HTTP_TOPIC: this.topics["trading.events"],
      KAFKA_DLQ_TOPIC: this.deadLetterTopic,
      // NexusCore's KAFKA_GROUP_ID and our KAFKA_CONSUMER_GROUP: never a seed's group name on the shared broker.
      KAFKA_GROUP_ID: this.group,
      KAFKA_CONSUMER_GROUP: this.group,
      LOG_LEVEL: "info",
    };
  }

  async startApp(app: AppName, options: SeedStackOptions): Promise<AppProcess> {
    const port = await freePort();
    const portEnv: Record<AppName, Record<string, string>> = {
      "query-api": { SERVER_PORT: String(port) },
      // METRICS_PORT is NexusCore's name for it (case of its own in nexus-core.integration.test.ts).
      ingester: { INGESTER_PORT: String(port), METRICS_PORT: String(port) },
      aggregator: { AGGREGATOR_PORT: String(port) },
    };
    const env = {
      ...this.seedEnv(),
      ...(options.config && { CONFIG_FILE: path.join(FIXTURES, options.config) }),
      ...options.env,
      ...portEnv[app],
    };
    const started = await startAppProcess(MAIN[app], env, port, 120_000);
    this.apps.set(app, started);
    this.ports.set(app, port);
    return started;
  }

  url(app: AppName, pathname = "/"): string {
    const port = this.ports.get(app);
    if (port === undefined) throw new Error(`${app} is not running`);
    return `http://127.0.0.1:${port}${pathname}`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.apps.values()].map((app) => app.stop("SIGTERM")));
    await Promise.allSettled([this.removeTopics(), this.db.drop()]);
  }
}

/** A configuration file written for one case (a seed fixture joined with nothing else is read as is). */
export function writeTempConfig(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "seeds-"));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

export { TEST_DATABASE_URL };
