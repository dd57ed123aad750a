import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { type Logger, withLogContext } from "@trading-analytics/core";
import type { HttpMetrics } from "@trading-analytics/metrics";

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
    // "close" comes once per response: after an answer sent in full, and for streams and clients that left early.
    const record = () => {
      const seconds = (performance.now() - started) / 1000;
      // The matched route pattern, never the raw path, keeps label cardinality bounded (requests
      // refused before routing, by auth or rate limits, count as "unmatched").
      const route = (req.route?.path as string | undefined) ?? "unmatched";
      metrics.record(req.method, route, res.statusCode, seconds);
      // winston formats a line before its transports drop it by level: skip the work when nothing would be written.
      if (!logger.isLevelEnabled("info")) return;
      // At info, the default level, with the seed's LoggerMiddleware fields (latency in seconds, as zap writes a duration).
      withLogContext({ request_id: requestId }, () =>
        logger.info("HTTP request", {
          method: req.method,
          // Without the query string: a caller that puts a secret in the URL must not see it logged.
          path: req.originalUrl.split("?", 1)[0],
          status: res.statusCode,
          latency: Math.round(seconds * 1e6) / 1e6,
          duration_ms: Math.round(seconds * 1000),
          // Which key (its public prefix, never the secret) made the request.
          api_key_prefix: (res.locals.apiKey as { prefix?: string } | undefined)?.prefix,
        }),
      );
    };
    res.once("close", record);
    withLogContext({ request_id: requestId }, next);
  };
}
