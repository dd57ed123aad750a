import express, { type Express } from "express";
import { EventsRepository, type HealthMonitor, type Logger, opsRoutes, type Sql } from "@trading-analytics/core";
import type { Registry } from "prom-client";
import { errorHandler, notFound } from "./http/error.middleware";
import { eventsRoutes } from "./http/events.routes";
import { requestContext } from "./http/request-context.middleware";
import { createHttpMetrics } from "./metrics";

export interface AppDeps {
  sql: Sql;
  logger: Logger;
  registry: Registry;
  health: HealthMonitor;
  metricsPath: string;
  query: { defaultLimit: number; maxResults: number };
  maxBodyBytes: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The query-api's express app; supertest drives it directly in tests. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(requestContext(deps.logger, createHttpMetrics(deps.registry)));
  app.use(express.json({ limit: deps.maxBodyBytes }));
  app.use(opsRoutes({ health: deps.health, registry: deps.registry, metricsPath: deps.metricsPath }));
  app.use(eventsRoutes({ events: new EventsRepository(deps.sql), limits: { ...deps.query, defaultRangeMs: DAY_MS } }));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
