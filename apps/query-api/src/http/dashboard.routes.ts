import { Router } from "express";
import { dashboardMetricsKey, type DashboardMetricsReader, type RedisClient } from "@trading-analytics/core";
import type { CacheRequests } from "@trading-analytics/metrics";
import { REDIS_UNAVAILABLE, redisQuietly } from "../cache/redis-quietly";
import { SharedRecentValue } from "../cache/shared-recent-value";

export interface DashboardRoutesDeps {
  reader: DashboardMetricsReader;
  redis: RedisClient | undefined;
  keyPrefix: string;
  /** The query cache's request counters (query="dashboard"). */
  cacheRequests: CacheRequests;
  /**
   * How long one read of the figures from Redis serves every request of this process. Half the
   * aggregator's refresh interval keeps them at most 1.5 intervals old; 0 reads Redis per request.
   */
  sharedForMs: number;
  redisTimeoutMs?: number;
}

/**
 * GET /api/v1/dashboard/metrics: the figures the aggregator keeps fresh in Redis (recomputed
 * every second), served as stored; when Redis is empty or away, computed from the rollups.
 */
export function dashboardRoutes(deps: DashboardRoutesDeps): Router {
  const router = Router();
  const key = dashboardMetricsKey(deps.keyPrefix);
  const stored = new SharedRecentValue(
    async () => (deps.redis?.isReady ? await redisQuietly(() => deps.redis!.get(key), deps.redisTimeoutMs ?? 100) : REDIS_UNAVAILABLE),
    { maxAgeMs: deps.sharedForMs, keep: (value) => typeof value === "string" },
  );
  // The figures as sent: bytes and validator made once per distinct text, not per request.
  let sendable: { text: string; body: Buffer; etag: string } | undefined;
  router.get("/api/v1/dashboard/metrics", async (req, res) => {
    const held = stored.get();
    const cached = typeof held === "string" ? held : await held;
    if (typeof cached === "string") {
      if (sendable?.text !== cached) {
        // Express's own ETag function, so the validator is the one it would have made.
        const body = Buffer.from(cached);
        sendable = { text: cached, body, etag: (req.app.get("etag fn") as ((body: Buffer) => string) | undefined)?.(body) ?? "" };
      }
      deps.cacheRequests.record("dashboard", "hit", true);
      res.setHeader("X-Cache", "HIT");
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      if (sendable.etag) res.setHeader("ETag", sendable.etag);
      res.send(sendable.body);
      return;
    }
    deps.cacheRequests.record("dashboard", cached === REDIS_UNAVAILABLE ? "bypass" : "miss", true);
    res.setHeader("X-Cache", "MISS");
    res.json(await deps.reader.read());
  });
  return router;
}
