// The cached trading scenarios' API: a second query-api with its query cache on, under a Redis
// prefix of its own, so the key one request stored can be found (and GET as the floor).
import type { RedisClient } from "@trading-analytics/core";
import type { CachedApi } from "./trading-scenarios";

const STORE_WAIT_MS = 1_000; // the API stores a result after answering, without waiting

/** `baseUrl` is asked at each request: the API is started once the scenarios are known to need it. */
export function cachedApi(baseUrl: () => string, redis: RedisClient, keyPrefix: string): CachedApi {
  const keys = async (): Promise<Set<string>> => {
    const found = new Set<string>();
    for await (const batch of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) for (const key of ([] as string[]).concat(batch)) found.add(key);
    return found;
  };
  return {
    /** Requests `path` once and returns the key its result was stored under; "" when none was (404, not cacheable). */
    async primedKey(path: string): Promise<string> {
      const before = await keys();
      const response = await fetch(`${baseUrl()}${path}`);
      await response.arrayBuffer();
      if (response.status !== 200) return "";
      const deadline = performance.now() + STORE_WAIT_MS;
      do {
        const fresh = [...(await keys())].filter((key) => !before.has(key));
        if (fresh.length === 1) return fresh[0]!;
        if (fresh.length > 1) throw new Error(`GET ${path} stored ${fresh.length} keys: ${fresh.slice(0, 3).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      } while (performance.now() < deadline);
      return "";
    },
  };
}
