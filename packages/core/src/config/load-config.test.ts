import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "./config-error";
import { loadConfig } from "./load-config";

const EXAMPLE = path.resolve(__dirname, "../../../../config.example.yaml");

function writeConfig(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "config-test-"));
  const file = path.join(dir, "config.yaml");
  writeFileSync(file, yaml);
  return file;
}

function errorLines(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const MINIMAL = `
database: { host: db.internal }
redis: { host: cache.internal }
kafka: { brokers: ["k1:9092"] }
`;

describe("loadConfig", () => {
  it("loads the documented example file with every value parsed", () => {
    const { config } = loadConfig({ file: EXAMPLE, env: {} });
    expect(config.server.port).toBe(9097);
    expect(config.ingester.port).toBe(9098);
    expect(config.aggregator.port).toBe(9099);
    expect(config.analytics.ingestion.batch_timeout).toBe(1000);
    expect(config.analytics.retention.raw_events).toBe(90 * 24 * 3600 * 1000);
    expect(config.analytics.aggregation.intervals).toEqual(["1m", "5m", "15m", "1h", "1d"]);
    expect(config.kafka.topics).toContain("market.data");
    expect(config.security.cors.allowed_origins).toEqual(["http://localhost:3000", "http://localhost:8080"]);
  });

  it("fills every optional key left out with its default", () => {
    const { config } = loadConfig({ file: writeConfig(MINIMAL), env: {} });
    expect(config.database.host).toBe("db.internal");
    expect(config.database.port).toBe(5432);
    expect(config.analytics.ingestion.batch_size).toBe(1000);
    expect(config.analytics.query.cache_ttl).toBe(60_000);
    expect(config.metrics.enabled).toBe(true);
  });

  it("stops on a key that another one makes required, naming it", () => {
    const lines = errorLines(() => loadConfig({ file: writeConfig(`${MINIMAL}\nlogging: { output: file }\n`), env: {} }));
    expect(lines).toEqual(['config error: logging.file_path = (missing) (from config.yaml); allowed: a file to write to when logging.output is file']);
  });

  it("reads rollup dimensions and measures, and the documented ones are the defaults", () => {
    const example = loadConfig({ file: EXAMPLE, env: {} }).config.analytics.aggregation;
    const defaults = loadConfig({ file: writeConfig(MINIMAL), env: {} }).config.analytics.aggregation;
    expect(example.measures).toEqual(defaults.measures);
    expect(example.dimensions).toEqual(defaults.dimensions);
    expect(defaults.measures).toContainEqual({ name: "notional", product: ["price", "quantity"] });
  });

  it("stops on a rollup measure that is neither a property nor a product, or whose name repeats", () => {
    const bad = errorLines(() =>
      loadConfig({ file: writeConfig(`${MINIMAL}\nanalytics:\n  aggregation:\n    measures: [{ name: x, sum: [a, b] }]\n`), env: {} }),
    );
    expect(bad.join("\n")).toMatch(/analytics\.aggregation\.measures\.0 .*allowed: a mapping \{ name, property \} or \{ name, product: \[a, b\] \}/);
    const repeated = errorLines(() =>
      loadConfig({
        file: writeConfig(`${MINIMAL}\nanalytics:\n  aggregation:\n    measures: [{ name: p, property: price }, { name: p, property: qty }]\n`),
        env: {},
      }),
    );
    expect(repeated.join("\n")).toMatch(/analytics\.aggregation\.measures .*names used once each \(p repeats\)/);
  });

  it("stops on an out-of-range value with one line naming key, value and range", () => {
    const file = writeConfig(`${MINIMAL}\nanalytics:\n  ingestion:\n    batch_size: 0\n`);
    const lines = errorLines(() => loadConfig({ file, env: {} }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("config error: analytics.ingestion.batch_size = 0 (from config.yaml); allowed: an integer from 1 to 100000");
  });

  it("rejects a malformed or out-of-range duration", () => {
    const file = writeConfig(`${MINIMAL}\nanalytics:\n  retention:\n    raw_events: ninety\n  ingestion:\n    batch_timeout: 2m\n`);
    const lines = errorLines(() => loadConfig({ file, env: {} }));
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).toContain('analytics.retention.raw_events = "ninety"');
    expect(lines.join("\n")).toContain('analytics.ingestion.batch_timeout = "2m" (from config.yaml); allowed: a duration like 500ms, 5s, 1m, 2h or 90d, from 1ms to 1m');
  });

  it("rejects unknown keys, so a typo never silently falls back to a default, and suggests the nearest key", () => {
    const file = writeConfig(`${MINIMAL}\nanalytics:\n  ingestion:\n    batchsize: 5\n`);
    expect(errorLines(() => loadConfig({ file, env: {} }))).toEqual([
      `config error: analytics.ingestion.batchsize: unknown key in ${file}; did you mean analytics.ingestion.batch_size?`,
    ]);
    const seedTypo = writeConfig("database: { hots: db }\nhelth: { port: 9099 }\nredis: { pool_szie: 3, flavour: x }\n");
    expect(errorLines(() => loadConfig({ file: seedTypo, env: {} }))).toEqual([
      `config error: database.hots: unknown key in ${seedTypo}; did you mean database.host?`,
      `config error: redis.pool_szie: unknown key in ${seedTypo}; did you mean redis.pool_size?`,
      `config error: redis.flavour: unknown key in ${seedTypo}`,
      `config error: helth: unknown key in ${seedTypo}; did you mean health?`,
    ]);
  });

  it("checks rules across keys", () => {
    const file = writeConfig(`${MINIMAL}\nanalytics:\n  query:\n    max_results: 50\n    default_limit: 100\n`);
    expect(errorLines(() => loadConfig({ file, env: {} }))[0]).toContain("analytics.query.default_limit = 100");
  });

  it("lets environment variables override the file and names them in errors", () => {
    const { config } = loadConfig({
      file: writeConfig(MINIMAL),
      env: {
        DATABASE_URL: "postgres://u@h:6543/x",
        KAFKA_BROKERS: "a:1, b:2",
        REDIS_URL: "redis://r:6380",
        LOG_LEVEL: "debug",
        QUERY_API_PORT: "8123",
        INGESTER_PORT: "8124",
      },
    });
    expect(config.database.url).toBe("postgres://u@h:6543/x");
    expect(config.kafka.brokers).toEqual(["a:1", "b:2"]);
    expect(config.redis.url).toBe("redis://r:6380");
    expect(config.logging.level).toBe("debug");
    expect(config.server.port).toBe(8123);
    expect(config.ingester.port).toBe(8124);

    const lines = errorLines(() => loadConfig({ file: writeConfig(MINIMAL), env: { AGGREGATOR_PORT: "70000" } }));
    expect(lines).toEqual(['config error: aggregator.port = "70000" (from AGGREGATOR_PORT); allowed: an integer from 1 to 65535']);
  });

  it("works from the environment alone when no file exists", () => {
    const { config, file } = loadConfig({
      cwd: mkdtempSync(path.join(tmpdir(), "no-config-")),
      env: { DB_HOST: "pg", REDIS_HOST: "rd", KAFKA_BROKERS: "kf:9092" },
    });
    expect(file).toBeUndefined();
    expect(config.database.host).toBe("pg");
  });

  it("requires API keys by default and trusts no proxy's X-Forwarded-For unless told", () => {
    const example = loadConfig({ file: EXAMPLE, env: {} }).config.security;
    const defaults = loadConfig({ file: writeConfig(MINIMAL), env: {} }).config.security;
    expect(example).toEqual(defaults);
    expect(defaults.api_key_enabled).toBe(true);
    expect(defaults.api_key_cache_ttl).toBe(5000);
    expect(defaults.trusted_proxies).toEqual([]);
    expect(defaults.rate_limit).toEqual({ enabled: true, requests_per_minute: 1000, burst: 1000, redis_timeout: 100, public_requests_per_minute: 1200 });

    const env = { API_KEY_ENABLED: "false", RATE_LIMIT_ENABLED: "0", TRUSTED_PROXIES: "loopback, 10.0.0.0/8,::1", CORS_ALLOWED_ORIGINS: "https://a.example,https://b.example" };
    const overridden = loadConfig({ file: writeConfig(MINIMAL), env }).config.security;
    expect(overridden.api_key_enabled).toBe(false);
    expect(overridden.rate_limit.enabled).toBe(false);
    expect(overridden.trusted_proxies).toEqual(["loopback", "10.0.0.0/8", "::1"]);
    expect(overridden.cors.allowed_origins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("stops on a trusted proxy that is not an address, a CIDR range or a named range", () => {
    for (const bad of ["proxy.internal", "10.0.0.0/33", "10.0.0.1/8/2", "*"]) {
      const lines = errorLines(() => loadConfig({ file: writeConfig(MINIMAL), env: { TRUSTED_PROXIES: bad } }));
      expect(lines).toEqual([expect.stringMatching(/^config error: security\.trusted_proxies\.0 = .*; allowed: a list of IP addresses, CIDR ranges/)]);
    }
  });

  it("names a CONFIG_FILE that does not exist", () => {
    expect(errorLines(() => loadConfig({ env: { CONFIG_FILE: "/nope/config.yaml" } }))).toEqual([
      'config error: CONFIG_FILE = "/nope/config.yaml": no such file',
    ]);
  });
});
