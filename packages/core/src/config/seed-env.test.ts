import { readFileSync } from "node:fs";
import path from "node:path";
import { ENV_OVERRIDES } from "./env-overrides";
import { loadConfig } from "./load-config";
import type { Config } from "./schema";

// The environment variables of both seed systems: B25's (002, "Environment Variable Overrides")
// and NexusCore's (004), each on its own.

const fromEnv = (env: NodeJS.ProcessEnv) => loadConfig({ cwd: "/nonexistent", env }).config;

describe("the seeds' environment variables", () => {
  it.each([
    ["SERVER_PORT", "8097", (c: Config) => c.server.port, 8097],
    ["DB_HOST", "pg.internal", (c: Config) => c.database.host, "pg.internal"],
    ["DB_PORT", "6432", (c: Config) => c.database.port, 6432],
    ["DB_NAME", "analytics_test", (c: Config) => c.database.database, "analytics_test"],
    ["DB_USER", "analytics_user", (c: Config) => c.database.user, "analytics_user"],
    ["DB_PASSWORD", "your_password", (c: Config) => c.database.password, "your_password"],
    ["REDIS_HOST", "cache.internal", (c: Config) => c.redis.host, "cache.internal"],
    ["REDIS_PORT", "6380", (c: Config) => c.redis.port, 6380],
    ["KAFKA_BROKERS", "k1:9092,k2:9092", (c: Config) => c.kafka.brokers, ["k1:9092", "k2:9092"]],
    ["LOG_LEVEL", "debug", (c: Config) => c.logging.level, "debug"],
    ["METRICS_PORT", "9090", (c: Config) => c.ingester.port, 9090],
    ["KAFKA_TOPIC", "user-events", (c: Config) => c.kafka.topics, ["user-events"]],
    ["KAFKA_GROUP_ID", "analytics-service", (c: Config) => c.kafka.consumer_group, "analytics-service"],
    ["DATABASE_URL", "postgresql://user:pass@localhost:5432/nexuscore", (c: Config) => c.database.url, "postgresql://user:pass@localhost:5432/nexuscore"],
    ["DATABASE_URL", "postgres://user:pass@localhost:5432/analytics", (c: Config) => c.database.url, "postgres://user:pass@localhost:5432/analytics"],
  ])("%s=%s sets its key", (name, value, read, expected) => {
    expect(read(fromEnv({ [name]: value }))).toEqual(expected);
  });

  it("gives way to this platform's own, more specific variable for the same key", () => {
    const config = fromEnv({
      METRICS_PORT: "9090",
      INGESTER_PORT: "9198",
      KAFKA_TOPIC: "user-events",
      KAFKA_TOPICS: "a,b",
      KAFKA_GROUP_ID: "analytics-service",
      KAFKA_CONSUMER_GROUP: "ours",
      SERVER_PORT: "8097",
      QUERY_API_PORT: "9197",
    });
    expect(config.ingester.port).toBe(9198);
    expect(config.kafka.topics).toEqual(["a", "b"]);
    expect(config.kafka.consumer_group).toBe("ours");
    expect(config.server.port).toBe(9197);
  });

  it("refuses a DATABASE_URL of another scheme, naming the variable", () => {
    expect(() => fromEnv({ DATABASE_URL: "mysql://u@h/db" })).toThrow(
      'config error: database.url = "mysql://u@h/db" (from DATABASE_URL); allowed: a postgres:// or postgresql:// URL',
    );
  });
});

describe("docs/operations.md", () => {
  it("lists every environment variable the configuration reads", () => {
    const docs = readFileSync(path.resolve(__dirname, "../../../../docs/operations.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Configuration and environment variables"));
    const missing = ENV_OVERRIDES.map((override) => override.env).filter((name) => !section.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
