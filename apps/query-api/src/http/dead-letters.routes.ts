import { Router } from "express";
import { realtimeKeys, type RedisClient } from "@trading-analytics/core";
import { REDIS_UNAVAILABLE, redisQuietly } from "../cache/redis-quietly";
import { type DeadLetterMinute, deadLettersRoute, type DeadLetters } from "./contract/operations.contract";
import { parseQuery } from "./contract/query-params";

export interface DeadLettersRoutesDeps {
  redis: RedisClient | undefined;
  keyPrefix: string;
  now?: () => Date;
  redisTimeoutMs?: number;
}

const MINUTE_MS = 60_000;
const DEFAULT_MINUTES = 60;

/** Per-minute hashes (reason → count), oldest first, summed into totals. */
export function summarizeDeadLetters(minutes: ReadonlyArray<{ minuteStart: Date; byReason: Record<string, string> }>) {
  const byReason: Record<string, number> = {};
  const perMinute: DeadLetterMinute[] = minutes.map(({ minuteStart, byReason: hash }) => {
    const counts = Object.fromEntries(Object.entries(hash).map(([reason, count]) => [reason, Number(count)]));
    for (const [reason, count] of Object.entries(counts)) byReason[reason] = (byReason[reason] ?? 0) + count;
    return { minute_start: minuteStart.toISOString(), count: Object.values(counts).reduce((sum, n) => sum + n, 0), by_reason: counts };
  });
  return { total: perMinute.reduce((sum, minute) => sum + minute.count, 0), by_reason: byReason, per_minute: perMinute };
}

/**
 * GET /api/v1/internal/dead-letters?minutes=60: messages the ingesters dead-lettered (to the
 * Kafka dead-letter topic) per minute of receipt and by rejection reason, from their counters
 * in Redis. The current minute is included (still filling). Without Redis, dead_letters is null.
 */
export function deadLettersRoutes(deps: DeadLettersRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.get("/api/v1/internal/dead-letters", async (req, res) => {
    const window = parseQuery(deadLettersRoute.query, req.query as Record<string, unknown>).minutes ?? DEFAULT_MINUTES;
    const at = now();
    const current = Math.floor(at.getTime() / MINUTE_MS);
    const minutes = Array.from({ length: window }, (_, i) => current - window + 1 + i);
    res.json({ timestamp: at.toISOString(), minutes: window, dead_letters: await readMinutes(deps, minutes) } satisfies DeadLetters);
  });
  return router;
}

async function readMinutes(deps: DeadLettersRoutesDeps, minutes: number[]) {
  const { redis } = deps;
  if (!redis?.isReady) return null;
  const hashes = await redisQuietly(() => {
    const batch = redis.multi();
    for (const minute of minutes) batch.hGetAll(realtimeKeys.deadLetters(deps.keyPrefix, minute));
    return batch.exec();
  }, deps.redisTimeoutMs ?? 250);
  if (hashes === REDIS_UNAVAILABLE) return null;
  return summarizeDeadLetters(
    minutes.map((minute, i) => ({ minuteStart: new Date(minute * MINUTE_MS), byReason: (hashes[i] ?? {}) as unknown as Record<string, string> })),
  );
}
