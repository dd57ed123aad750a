import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { type Logger, withLogContext } from "@trading-analytics/core";
import type { HttpMetrics } from "../metrics";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (the caller's X-Request-ID when sane, else a new UUID), echoes it,
 * runs the rest of the request inside a log context carrying it, and logs/measures the request.
 */
export function requestContext(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-ID", requestId);
    const started = performance.now();
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      // The matched route pattern, not the raw path, keeps label cardinality bounded.
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? "unmatched" : req.path);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      withLogContext({ request_id: requestId }, () =>
        logger.http("request", { method: req.method, path: req.originalUrl, status: res.statusCode, duration_ms: Math.round(seconds * 1000) }),
      );
    });
    withLogContext({ request_id: requestId }, next);
  };
}
