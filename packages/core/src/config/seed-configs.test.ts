import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "./load-config";
import { SEED_ONLY_KEYS } from "./seed-keys";

// The seeds' own configuration files and variables, verbatim in seed-fixtures/, load here.

const fixture = (name: string) => path.join(__dirname, "seed-fixtures", name);
const NO_FILE = { cwd: "/nonexistent", env: {} };
const load = (name: string, env: NodeJS.ProcessEnv = {}) => loadConfig({ file: fixture(name), env });
const warnedKeys = (warnings: string[]) => warnings.map((line) => /^config warning: (\S+) /.exec(line)?.[1]);

/** A .env file as a shell reads it: KEY=value lines, comments and blank lines skipped. */
function readEnvFile(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(fixture(name), "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

describe("the seeds' configuration", () => {
  it("loads B25's full config.yaml (002), naming each key that has no effect here once", () => {
    const { config, warnings } = load("b25-002-config.yaml");
    expect(config.database).toMatchObject({ host: "localhost", user: "analytics_user", max_connections: 50, connection_lifetime: 300_000 });
    expect(config.kafka).toMatchObject({ brokers: ["localhost:9092"], consumer_group: "analytics-consumer-group", http_ingest_topic: "trading.events" });
    expect(config.kafka.topics).toEqual(["trading.events", "market.data", "order.events", "user.actions"]);
    expect(config.analytics.ingestion.batch_timeout).toBe(5000);
    expect(config.security.rate_limit).toMatchObject({ requests_per_minute: 1000, burst: 100 });
    expect(config.security.cors.allowed_origins).toEqual(["http://localhost:3000", "http://localhost:8080"]);
    expect(config.logging.output).toBe("stdout");
    expect(warnedKeys(warnings)).toEqual([...Object.keys(SEED_ONLY_KEYS), "security.rate_limit.burst"]);
    expect(warnings).toContain(
      "config warning: security.rate_limit.burst 100 is enforced: at most 100 requests at once per client, then 1000 a minute (the B25 seed never read burst and admitted 1000 at once; leave burst out for that)",
    );
    expect(warnings).toContain(
      "config warning: kafka.enable_auto_commit has no effect here (accepted from the seed's config): offsets are never auto-committed: the ingester always commits a batch's offsets after its events are stored (what enable_auto_commit: false asked for)",
    );
  });

  it("loads 002's config.test.yaml, posting over HTTP to the one topic it consumes", () => {
    const { config, warnings } = load("b25-002-config.test.yaml");
    expect(config.server).toMatchObject({ host: "127.0.0.1", shutdown_timeout: 5000 });
    expect(config.database.database).toBe("analytics_test");
    expect(config.redis.db).toBe(1);
    expect(config.kafka).toMatchObject({ consumer_group: "analytics-test-group", topics: ["test.events"], http_ingest_topic: "test.events" });
    expect(config.analytics.aggregation.intervals).toEqual(["1m", "1h"]);
    expect(config.logging).toMatchObject({ level: "debug", format: "console", output: "stdout" });
    expect(config.security.rate_limit.enabled).toBe(false);
    expect(config.security.cors.allowed_origins).toEqual(["*"]);
    expect(warnedKeys(warnings)).toEqual([
      "database.max_idle_connections",
      "redis.pool_size",
      "redis.min_idle_conns",
      "kafka.enable_auto_commit",
      "analytics.aggregation.workers",
      "metrics.port",
    ]);
  });

  it.each(["b25-001-server.yaml", "b25-001-database.yaml", "b25-001-ingestion.yaml"])("loads 001's snippet %s on its own, the rest from the seed's defaults", (name) => {
    const { config, warnings } = load(name);
    expect(config.kafka.brokers).toEqual(["localhost:9092"]);
    expect(config.database.host).toBe("localhost");
    expect(config.redis.host).toBe("localhost");
    expect(warnings).toEqual([]);
  });

  it("loads 003's snippet, warning about aggregation workers and the metrics port", () => {
    const { config, warnings } = load("b25-003-config.yaml");
    expect(config.security.rate_limit).toMatchObject({ enabled: true, requests_per_minute: 1000, burst: 100 });
    expect(warnedKeys(warnings)).toEqual(["analytics.aggregation.workers", "metrics.port", "security.rate_limit.burst"]);
  });

  it("runs on NexusCore's environment variables (004) alone", () => {
    const { config, file, warnings } = loadConfig({ ...NO_FILE, env: readEnvFile("nexuscore-004.env") });
    expect(file).toBeUndefined();
    expect(config.ingester.port).toBe(9090);
    expect(config.kafka).toMatchObject({ brokers: ["localhost:9092"], topics: ["user-events"], consumer_group: "analytics-service", http_ingest_topic: "user-events" });
    expect(config.database.url).toBe("postgresql://user:pass@localhost:5432/nexuscore");
    expect(warnings).toEqual([]);
  });
});

describe("defaults", () => {
  it("are the seeds' where they name one", () => {
    const { config } = loadConfig(NO_FILE);
    expect(config.kafka.brokers).toEqual(["localhost:9092"]);
    expect(config.database.host).toBe("localhost");
    expect(config.redis.host).toBe("localhost");
    expect(config.kafka.consumer_group).toBe("analytics-consumer-group");
    expect(config.kafka.topics).toEqual(["trading.events", "market.data", "order.events", "user.actions", "user-events"]);
    expect(config.kafka.http_ingest_topic).toBe("trading.events");
    expect(config.security.cors.allowed_origins).toEqual(["http://localhost:3000", "http://localhost:8080"]);
    expect(config.security.cors.allowed_headers).toEqual(["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"]);
  });

  it("let the rate-limit burst follow requests_per_minute unless it is given", () => {
    const withRate = (rate_limit: Record<string, unknown>) => loadConfig({ file: writeYaml({ security: { rate_limit } }), env: {} }).config.security.rate_limit;
    expect(loadConfig(NO_FILE).config.security.rate_limit.burst).toBe(1000);
    expect(withRate({ requests_per_minute: 60 }).burst).toBe(60);
    expect(withRate({ requests_per_minute: 60, burst: 5 }).burst).toBe(5);
  });
});

/** YAML is a superset of JSON: a mapping written as JSON is a config file. */
function writeYaml(content: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "seed-config-")), "config.yaml");
  writeFileSync(file, JSON.stringify(content));
  return file;
}
