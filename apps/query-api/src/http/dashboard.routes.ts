import { Router } from "express";
import { dashboardMetricsKey, type DashboardMetricsReader, type RedisClient } from "@trading-analytics/core";
import type { Counter } from "prom-client";
import { REDIS_UNAVAILABLE, redisQuietly } from "../cache/redis-quietly";
import { SharedRecentValue } from "../cache/shared-recent-value";

export interface DashboardRoutesDeps {
  reader: DashboardMetricsReader;
  redis: RedisClient | undefined;
  keyPrefix: string;
  /** The query cache's request counter (query="dashboard"). */
  cacheRequests: Counter<"query" | "result">;
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
  router.get("/api/v1/dashboard/metrics", async (_req, res) => {
    const held = stored.get();
    const cached = typeof held === "string" ? held : await held;
    if (typeof cached === "string") {
      deps.cacheRequests.inc({ query: "dashboard", result: "hit" });
      res.setHeader("X-Cache", "HIT");
      res.type("application/json").send(cached);
      return;
    }
    deps.cacheRequests.inc({ query: "dashboard", result: cached === REDIS_UNAVAILABLE ? "bypass" : "miss" });
    res.setHeader("X-Cache", "MISS");
    res.json(await deps.reader.read());
  });
  return router;
}
