import type { Response } from "express";
import type { CachedJson } from "../cache/query-cache";
import { jsonBodyBytes } from "../domain/json-body";

/**
 * Above this size a body goes out without an ETag: Express would hash all of it (SHA-1 over 11 MB
 * of a month of 1m points took ~20 ms, most of the request) for a validator that a client of a
 * series still being written rarely gets to use.
 */
const ETAG_BODY_LIMIT = 64 * 1024;

/** Sends JSON text as it is (already encoded, perhaps from the cache, perhaps in parts) and says how the cache served it. */
export function sendCachedJson(res: Response, result: CachedJson): void {
  res.setHeader("X-Cache", result.cache.toUpperCase());
  res.type("application/json");
  const { body } = result;
  const bytes = jsonBodyBytes(body);
  if (bytes <= ETAG_BODY_LIMIT) {
    res.send(typeof body === "string" ? body : Buffer.concat(body, bytes));
    return;
  }
  if (typeof body === "string") {
    res.end(body);
    return;
  }
  // The parts go to the socket as they are, gathered into one write.
  res.setHeader("Content-Length", bytes);
  res.cork();
  for (const part of body) res.write(part);
  res.end();
}
