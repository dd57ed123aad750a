import { Router } from "express";
import { type IngestionStatusReader, realtimeKeys, type RedisClient } from "@trading-analytics/core";
import { REDIS_UNAVAILABLE, redisQuietly } from "../cache/redis-quietly";

export interface IngestionMetricsRoutesDeps {
  status: IngestionStatusReader;
  redis: RedisClient | undefined;
  keyPrefix: string;
  now?: () => Date;
}

const WINDOW_SECONDS = 60;
const RATE_SECONDS = 10;

/**
 * GET /api/v1/internal/ingestion-metrics: what is arriving now (the ingesters' per-second
 * counters in Redis: events per second and the last minute by type) and how far aggregation
 * has got (PostgreSQL). Without Redis the live part is null, the rest still answers.
 */
export function ingestionMetricsRoutes(deps: IngestionMetricsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.get("/api/v1/internal/ingestion-metrics", async (_req, res) => {
    const at = now();
    const [live, status] = await Promise.all([readLive(deps, Math.floor(at.getTime() / 1000)), deps.status.status()]);
    res.json({
      timestamp: at.toISOString(),
      live,
      aggregation: {
        events_aggregated: status.eventsAggregated,
        cursor_updated_at: status.aggregatorUpdatedAt?.toISOString() ?? null,
        late_events: status.lateEvents,
      },
    });
  });
  return router;
}

async function readLive(deps: IngestionMetricsRoutesDeps, nowSecond: number) {
  const { redis } = deps;
  if (!redis?.isReady) return null;
  // The current second is still filling; the window is the WINDOW_SECONDS before it.
  const seconds = Array.from({ length: WINDOW_SECONDS }, (_, i) => nowSecond - 1 - i);
  const hashes = await redisQuietly(() => {
    const batch = redis.multi();
    for (const second of seconds) batch.hGetAll(realtimeKeys.eventsPerSecond(deps.keyPrefix, second));
    return batch.exec();
  }, 250);
  if (hashes === REDIS_UNAVAILABLE) return null;
  const byType: Record<string, number> = {};
  let recent = 0;
  hashes.forEach((hash, index) => {
    for (const [type, count] of Object.entries((hash ?? {}) as unknown as Record<string, string>)) {
      byType[type] = (byType[type] ?? 0) + Number(count);
      if (index < RATE_SECONDS) recent += Number(count);
    }
  });
  return {
    events_per_second: recent / RATE_SECONDS,
    events_last_minute: Object.values(byType).reduce((sum, count) => sum + count, 0),
    events_last_minute_by_type: byType,
  };
}
