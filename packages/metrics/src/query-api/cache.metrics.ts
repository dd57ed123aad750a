import { Counter, type Registry } from "prom-client";

export type CacheOutcome = "hit" | "miss" | "bypass";

export interface CacheRequests {
  /** One result served; `lookedUp` when the cache was asked for it (or would have been, Redis being away). */
  record(query: string, result: CacheOutcome, lookedUp: boolean): void;
}

export function createCacheMetrics(registry: Registry): CacheRequests {
  const requests = new Counter({
    name: "analytics_query_cache_requests_total",
    help: "Cacheable query results served, by result: hit, miss, bypass (not cacheable, larger than the cache takes, or Redis unavailable)",
    labelNames: ["query", "result"] as const,
    registers: [registry],
  });
  // The B25 seed's pair, with its meaning: a result the cache was asked for was there, or not
  // (Redis away counts as a miss, as a failed GET does there); live results never ask.
  const hits = new Counter({ name: "analytics_cache_hits_total", help: "Query results served from the Redis cache", registers: [registry] });
  const misses = new Counter({
    name: "analytics_cache_misses_total",
    help: "Cacheable query results the Redis cache did not have (or could not be asked for), computed from PostgreSQL",
    registers: [registry],
  });
  return {
    record(query, result, lookedUp) {
      requests.inc({ query, result });
      if (result === "hit") hits.inc();
      else if (lookedUp) misses.inc();
    },
  };
}
