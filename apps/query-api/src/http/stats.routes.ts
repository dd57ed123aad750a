import { Router } from "express";
import type { EventStatsReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { rawEventsScope } from "../domain/cache-scope";
import { QueryParams } from "../domain/query-params";
import { eventStatsRoute, type EventStats } from "./contract/events.contract";
import { parameterNames } from "./contract/query-params";
import { sendCachedJson } from "./send-json";

export interface StatsRoutesDeps {
  stats: EventStatsReader;
  cache: QueryCache;
  allowedLatenessMs: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const MAX_SPAN_MS = 31 * DAY_MS;

/** GET /api/v1/events/stats: stored events over a range, in total and by type (most frequent first). */
export function statsRoutes(deps: StatsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.get("/api/v1/events/stats", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(eventStatsRoute.query));
    const at = now();
    const { from, to } = params.range(at, DAY_MS, MAX_SPAN_MS);
    // How many types by_type lists at most (the reference walk-through passes limit=100).
    const limit = params.integer("limit", 1, 10_000);
    const result = await deps.cache.json("stats", { from, to, limit }, rawEventsScope(to, at, deps.allowedLatenessMs), async () => {
      const stats = await deps.stats.stats(from, to);
      const listed = limit === undefined ? stats.byType : stats.byType.slice(0, limit);
      return JSON.stringify({
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        total_events: stats.total,
        by_type: Object.fromEntries(listed.map((entry) => [entry.eventType, entry.count])),
      } satisfies EventStats);
    });
    sendCachedJson(res, result);
  });
  return router;
}
