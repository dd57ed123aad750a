import type { CacheScope } from "../cache/query-cache";

/**
 * Rollups over a range that ended before late events stop being folded can no longer change;
 * anything newer may, so it is cached only under the current rollups version.
 */
export function rollupScope(to: Date, now: Date, allowedLatenessMs: number): CacheScope {
  return to.getTime() <= now.getTime() - allowedLatenessMs ? "settled" : "rollups";
}

/**
 * Raw events keep arriving for recent ranges (and are not versioned), so those are never
 * cached; older ranges are cached for the TTL (an event arriving later than the lateness bound
 * shows once the TTL has passed).
 */
export function rawEventsScope(to: Date, now: Date, allowedLatenessMs: number): CacheScope {
  return to.getTime() <= now.getTime() - allowedLatenessMs ? "settled" : "live";
}
