// The query-api under test, run as operators run it: `node dist/main.js` with a config file of
// its own (a unique Redis key prefix, so nothing collides with other users of that Redis) and
// the bench database, Redis and Kafka in its environment. API keys and rate limits are off:
// the bench measures the routes, not the security layer in front of them.
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Config, loadConfig } from "@trading-analytics/core";
import { type AppProcess, appMain, type CleanupStack, freePort, startAppProcess, TEST_KAFKA_BROKERS, TEST_REDIS_URL } from "@trading-analytics/core/testing";
import { stopApp } from "../shared/app-process";

const STOP_TIMEOUT_MS = 20_000;

export interface QueryApiSettings {
  databaseUrl: string;
  keyPrefix: string;
  ingestTopic: string;
  /** "0s" turns the query cache off: every metrics and stats request reaches PostgreSQL. */
  cacheTtl: string;
}

export interface QueryApi {
  baseUrl: string;
  pid: number;
  /** The configuration the process runs with, parsed by the same loader. */
  config: Config;
  configFile: string;
  /** Warnings and errors it logged (it runs with LOG_LEVEL=warn). */
  problems(): string[];
}

export async function startQueryApi(settings: QueryApiSettings, cleanup: CleanupStack): Promise<QueryApi> {
  const port = await freePort();
  const configFile = path.join(tmpdir(), `bench-query-api-${process.pid}-${port}.yaml`);
  // JSON is YAML: the file the API reads, written without a YAML library.
  const file = {
    server: { host: "127.0.0.1" },
    redis: { key_prefix: settings.keyPrefix },
    kafka: { topics: [settings.ingestTopic], http_ingest_topic: settings.ingestTopic },
    analytics: { query: { cache_ttl: settings.cacheTtl } },
    security: { api_key_enabled: false, rate_limit: { enabled: false } },
  };
  writeFileSync(configFile, JSON.stringify(file, null, 2));
  cleanup.defer(`config file ${configFile}`, async () => rmSync(configFile, { force: true }));
  // Every variable the config loader reads that may be set in the bench's own environment.
  const env = {
    CONFIG_FILE: configFile,
    DATABASE_URL: settings.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
    KAFKA_TOPICS: settings.ingestTopic,
    KAFKA_HTTP_TOPIC: settings.ingestTopic,
    QUERY_API_PORT: String(port),
    API_KEY_ENABLED: "false",
    RATE_LIMIT_ENABLED: "false",
    LOG_LEVEL: "warn",
    // kafkajs's notice about its v2 default partitioner, which would otherwise lead the API's warnings.
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
  };
  const { config } = loadConfig({ file: configFile, env });
  const app: AppProcess = await startAppProcess(appMain(require, "query-api"), env, port);
  cleanup.defer(`query-api pid ${app.child.pid}`, () => stopApp(app, STOP_TIMEOUT_MS));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: app.child.pid ?? -1,
    config,
    configFile,
    problems: () =>
      app
        .output()
        .split("\n")
        .filter((line) => line.trim().length > 0),
  };
}
