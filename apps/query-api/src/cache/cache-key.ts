import { createHash } from "node:crypto";

/**
 * A deterministic cache key: the same parameters in any order give the same key, and the
 * parameters are hashed so user input never shapes the key's structure.
 */
export function cacheKey(prefix: string, name: string, params: Record<string, unknown>, version?: string): string {
  const canonical = JSON.stringify(
    Object.keys(params)
      .filter((key) => params[key] !== undefined)
      .sort()
      .map((key) => [key, params[key] instanceof Date ? (params[key] as Date).toISOString() : params[key]]),
  );
  const digest = createHash("sha256").update(canonical).digest("base64url").slice(0, 32);
  return `${prefix}cache:${name}:${version === undefined ? "settled" : `v${version}`}:${digest}`;
}
