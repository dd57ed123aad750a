import express, { type Express } from "express";
import { type Config, configSchema, createLogger, type Logger } from "@trading-analytics/core";
import { Registry } from "prom-client";
import { errorHandler } from "../http/error.middleware";
import { authenticatedKey, createSecurity, type SecurityDeps } from "./index";

/** A security section as the YAML would give it (durations as text), defaults filled in. */
export function securityConfig(raw: Record<string, unknown> = {}): Config["security"] {
  return configSchema.shape.security.parse(raw);
}

/** Every line a logger writes, as JSON text, for asserting what logs contain. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const logger = createLogger({ level: "debug", format: "json" }, "query-api");
  const lines: string[] = [];
  logger.on("data", (info: Record<symbol, string>) => lines.push(info[Symbol.for("message")]!));
  for (const transport of logger.transports) transport.silent = true;
  return { logger, lines };
}

export interface SecurityTestAppOptions extends Pick<SecurityDeps, "keys" | "redis" | "redisKeyPrefix"> {
  config: Config["security"];
  registry?: Registry;
  logger?: Logger;
}

/**
 * The security chain in front of dummy routes shaped like the real ones, with the real error
 * handler, wired as createApp should wire it.
 */
export function securityTestApp(options: SecurityTestAppOptions): { app: Express; registry: Registry } {
  const registry = options.registry ?? new Registry();
  const logger = options.logger ?? createLogger({ level: "error", format: "json" }, "query-api");
  const security = createSecurity({ ...options, registry, logger, metricsPath: "/metrics" });
  const app = express();
  app.set("trust proxy", security.trustProxy);
  app.use((_req, res, next) => {
    res.locals.requestId = "req-test";
    next();
  });
  app.use(security.chain);
  app.use(express.json());
  const answer: express.RequestHandler = (req, res) => {
    res.json({ ok: true, method: req.method, path: req.path, key: authenticatedKey(res)?.prefix ?? null, ip: req.ip });
  };
  app.get("/health", answer);
  app.get("/metrics", answer);
  app.get("/api/v1/openapi.json", answer);
  app.get("/api/v1/events", answer);
  app.get("/api/v1/internal/dead-letters", answer);
  app.post("/api/v1/events", answer);
  app.post("/api/v1/events/batch", answer);
  app.post("/api/v1/custom-events", answer);
  app.delete("/api/v1/custom-events/:name", answer);
  app.use(errorHandler(logger));
  return { app, registry };
}
