import type { Response } from "express";
import type { CachedJson } from "../cache/query-cache";

/** Sends JSON text as it is (already encoded, perhaps from the cache) and says how the cache served it. */
export function sendCachedJson(res: Response, result: CachedJson): void {
  res.setHeader("X-Cache", result.cache.toUpperCase());
  res.type("application/json").send(result.body);
}
