import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@trading-analytics/core";
import { appMain } from "@trading-analytics/core/testing";
import { type AppName, FIXTURES, SeedStack, writeTempConfig } from "./harness/seed-stack";

/** loadConfig with only these variables, in a directory without a config.yaml. */
function configWith(env: Record<string, string>, file?: string) {
  return loadConfig({ env, file, cwd: mkdtempSync(path.join(tmpdir(), "seeds-cwd-")) }).config;
}

// 001's snippets, 003's snippet and the seeds' environment variables. 002's two files start the
// apps in b25-walkthrough.integration.test.ts (Step 2) and b25-full-config.integration.test.ts
// (the full config.yaml).
describe("seed configuration files and environment variables", () => {
  const cases: Array<[string, string, AppName]> = [
    ["001 Server Configuration", "b25/001-server.yaml", "query-api"],
    ["001 Database Configuration", "b25/001-database.yaml", "ingester"],
    ["001 Event Ingestion", "b25/001-ingestion.yaml", "ingester"],
    ["003 Configuration Updates", "b25/003-config.yaml", "query-api"],
  ];

  it.each(cases)("%s starts the app on its own, Kafka at the default brokers (B-C1..B-C31, B-C11)", async (_section, fixture, app) => {
    // An empty variable is no override: kafka.brokers must come from the seed default, localhost:9092.
    const stack = await SeedStack.start({ config: fixture, apps: [app], env: { KAFKA_BROKERS: "" } });
    try {
      const health = await fetch(stack.url(app, "/health"));
      expect(health.status).toBe(200);
    } finally {
      await stack.stop();
    }
  });

  it("003's metrics.port and analytics.aggregation.workers are accepted with one warning line each (B-C23, B-C19)", async () => {
    const stack = await SeedStack.start({ config: "b25/003-config.yaml", apps: ["aggregator"] });
    try {
      const lines = stack.apps.get("aggregator")!.output().split("\n");
      for (const key of ["metrics.port", "analytics.aggregation.workers"]) {
        expect([key, lines.filter((line) => line.includes(key) && /warn/i.test(line)).length]).toEqual([key, 1]);
      }
    } finally {
      await stack.stop();
    }
  });

  it("a misspelt key is still refused (exit 78) and the nearest valid key is suggested", async () => {
    const file = writeTempConfig("config.yaml", 'database:\n  hots: "localhost"\n');
    const child = spawn(process.execPath, [appMain(require, "query-api")], { env: { ...process.env, CONFIG_FILE: file } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(78);
    expect(stderr).toMatch(/database\.hots.*did you mean database\.host/);
  });

  it("002's environment overrides: SERVER_PORT, DB_*, REDIS_HOST/PORT, KAFKA_BROKERS, LOG_LEVEL (B-E1..B-E5)", () => {
    const config = configWith(
      {
        SERVER_PORT: "19097",
        DB_HOST: "db.internal",
        DB_PORT: "6543",
        DB_NAME: "analytics_prod",
        DB_USER: "analytics_user",
        DB_PASSWORD: "s3cret",
        REDIS_HOST: "cache.internal",
        REDIS_PORT: "6380",
        KAFKA_BROKERS: "k1:9092,k2:9092",
        LOG_LEVEL: "debug",
      },
      path.join(FIXTURES, "b25/002-config.yaml"),
    );
    expect(config.server.port).toBe(19097);
    expect(config.database).toMatchObject({ host: "db.internal", port: 6543, database: "analytics_prod", user: "analytics_user", password: "s3cret" });
    expect(config.redis).toMatchObject({ host: "cache.internal", port: 6380 });
    expect(config.kafka.brokers).toEqual(["k1:9092", "k2:9092"]);
    expect(config.logging.level).toBe("debug");
  });

  it("004's environment: METRICS_PORT, KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_GROUP_ID, DATABASE_URL (N-E1..N-E5)", () => {
    const config = configWith({
      METRICS_PORT: "9090",
      KAFKA_BROKERS: "localhost:9092",
      KAFKA_TOPIC: "user-events",
      KAFKA_GROUP_ID: "analytics-service",
      DATABASE_URL: "postgresql://user:pass@localhost:5432/nexuscore",
    });
    expect(config.ingester.port).toBe(9090);
    expect(config.kafka.brokers).toEqual(["localhost:9092"]);
    expect(config.kafka.topics).toEqual(["user-events"]);
    expect(config.kafka.consumer_group).toBe("analytics-service");
    expect(config.database.url).toBe("postgresql://user:pass@localhost:5432/nexuscore");
  });

  it("the defaults are the seeds': brokers, hosts, group, topics, rate limit, CORS (B-C4, B-C9, B-C11..B-C13, B-C28, B-C29, B-H3, N-K1)", () => {
    const config = configWith({});
    expect(config.kafka.brokers).toEqual(["localhost:9092"]);
    expect(config.database.host).toBe("localhost");
    expect(config.redis.host).toBe("localhost");
    expect(config.kafka.consumer_group).toBe("analytics-consumer-group");
    expect(config.kafka.topics).toEqual(expect.arrayContaining(["trading.events", "market.data", "order.events", "user.actions", "user-events"]));
    expect(config.security.rate_limit).toMatchObject({ enabled: true, requests_per_minute: 1000, burst: 1000 });
    expect(config.security.cors.allowed_origins).toEqual(expect.arrayContaining(["http://localhost:3000", "http://localhost:8080"]));
    expect(config.analytics.retention).toMatchObject({ raw_events: 90 * 86_400_000, minute_aggregates: 365 * 86_400_000 });
  });
});
