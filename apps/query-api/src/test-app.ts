import { createLogger, HealthMonitor, databaseHealthCheck, type Sql } from "@trading-analytics/core";
import { Registry } from "prom-client";
import { createApp } from "./app";

/** createApp wired to a real database with quiet logs, as the tests use it. */
export function createTestApp(sql: Sql, overrides: { maxResults?: number } = {}) {
  const registry = new Registry();
  const health = new HealthMonitor("query-api", [databaseHealthCheck(sql)]);
  const app = createApp({
    sql,
    logger: createLogger({ level: "error", format: "json" }, "query-api"),
    registry,
    health,
    metricsPath: "/metrics",
    query: { defaultLimit: 100, maxResults: overrides.maxResults ?? 1000 },
    maxBodyBytes: 1024 * 1024,
  });
  return { app, health, registry };
}
