import { type RedisClient, rollupsVersionKey } from "@trading-analytics/core";
import type { CacheOutcome, CacheRequests } from "@trading-analytics/metrics";
import { type JsonBody, joinedJsonBody, jsonBodyBytes } from "../domain/json-body";
import { cacheKey } from "./cache-key";
import { REDIS_UNAVAILABLE, redisQuietly } from "./redis-quietly";

/**
 * How a result may be cached:
 * - settled: its inputs can no longer change (the range ended before late events stop being
 *   folded), so it is kept for the configured TTL;
 * - rollups: it reads rollups that may still change, so its key carries the aggregator's
 *   rollups version and every committed fold makes it unreachable;
 * - live: it reads raw events still arriving; never cached.
 */
export type CacheScope = "settled" | "rollups" | "live";

export interface CachedJson {
  body: JsonBody;
  cache: CacheOutcome;
}

/**
 * Results larger than this are served but not stored. A month of one-minute points (2-11 MB)
 * is cheaper to read again from the reader's own block texts than to fetch from Redis, and a
 * recent range's key changes with every fold, so storing one would mostly fill Redis with
 * copies no request reads.
 */
export const MAX_CACHED_BODY_BYTES = 1024 * 1024;

/**
 * Redis-cached JSON results. Redis is optional: when it is down, slow (past timeoutMs) or
 * failing, the result is computed and served uncached, never an error.
 */
export class QueryCache {
  constructor(
    private readonly redis: RedisClient | undefined,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
    private readonly requests: CacheRequests,
    private readonly timeoutMs = 100,
  ) {}

  async json(name: string, params: Record<string, unknown>, scope: CacheScope, compute: () => Promise<JsonBody>): Promise<CachedJson> {
    if (scope === "live" || this.ttlSeconds === 0) return this.served(name, "bypass", await compute(), false);
    const key = await this.keyFor(name, params, scope);
    if (key === undefined) return this.served(name, "bypass", await compute(), true);
    const cached = await this.quietly(() => this.redis!.get(key));
    if (typeof cached === "string") return this.served(name, "hit", cached, true);
    const body = await compute();
    if (cached !== null || jsonBodyBytes(body) > MAX_CACHED_BODY_BYTES) return this.served(name, "bypass", body, true);
    void this.quietly(() => this.redis!.set(key, joinedJsonBody(body), { EX: this.ttlSeconds }));
    return this.served(name, "miss", body, true);
  }

  /** The key of a cacheable result; undefined when Redis is away. */
  private async keyFor(name: string, params: Record<string, unknown>, scope: Exclude<CacheScope, "live">): Promise<string | undefined> {
    if (!this.redis?.isReady) return undefined;
    if (scope === "settled") return cacheKey(this.keyPrefix, name, params);
    const version = await this.quietly(() => this.redis!.get(rollupsVersionKey(this.keyPrefix)));
    return typeof version === "string" || version === null ? cacheKey(this.keyPrefix, name, params, version ?? "0") : undefined;
  }

  private quietly<T>(command: () => Promise<T>): Promise<T | typeof REDIS_UNAVAILABLE> {
    return redisQuietly(command, this.timeoutMs);
  }

  private served(name: string, outcome: CacheOutcome, body: JsonBody, lookedUp: boolean): CachedJson {
    this.requests.record(name, outcome, lookedUp);
    return { body, cache: outcome };
  }
}
