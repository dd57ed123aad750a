import type { Response } from "express";
import type { CachedJson } from "../cache/query-cache";

/**
 * Above this size a body goes out without an ETag: Express would hash all of it (SHA-1 over 11 MB
 * of a month of 1m points took ~20 ms, most of the request) for a validator that a client of a
 * series still being written rarely gets to use.
 */
const ETAG_BODY_LIMIT = 64 * 1024;

/** Sends JSON text as it is (already encoded, perhaps from the cache) and says how the cache served it. */
export function sendCachedJson(res: Response, result: CachedJson): void {
  res.setHeader("X-Cache", result.cache.toUpperCase());
  res.type("application/json");
  if (result.body.length > ETAG_BODY_LIMIT) res.end(result.body);
  else res.send(result.body);
}
