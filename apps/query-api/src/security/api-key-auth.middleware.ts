import { createHash } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { LRUCache } from "lru-cache";
import { type ApiKey, type ApiKeyScope, errorMessage, type Logger, scopeAllows, withLogContext } from "@trading-analytics/core";
import type { SecurityMetrics } from "@trading-analytics/metrics";
import { HttpError } from "../http/http-error";
import { isPublicPath, publicPathSet, requiredScope } from "./route-scopes";

/** The authenticated key as the rest of a request sees it: never its secret. */
export interface AuthenticatedKey {
  keyId: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  rateLimitPerMinute: number | null;
}

/** What the middleware needs of ApiKeysRepository. */
export interface ApiKeyVerifier {
  findBySecret(secret: string): Promise<ApiKey | null>;
  touch(keyId: string): Promise<void>;
}

export interface ApiKeyAuthOptions {
  /** security.api_key_enabled: when false, both handlers let every request through. */
  enabled: boolean;
  keys: ApiKeyVerifier;
  /**
   * security.api_key_cache_ttl: a verified key is trusted this long without asking
   * PostgreSQL again, which is also how long a revoked key keeps working here. 0: no cache.
   */
  cacheTtlMs: number;
  /** Distinct keys cached at most. */
  cacheMax?: number;
  publicPaths: readonly string[];
  metrics: SecurityMetrics;
  logger: Logger;
}

export interface ApiKeyAuth {
  /** Finds the key a request presents (X-API-Key or Authorization: Bearer); refuses nothing. */
  authenticate: RequestHandler;
  /** Refuses requests without a valid key (401) or with too small a scope (403). */
  authorize: RequestHandler;
}

const LOCALS_KEY = "apiKey";
type Verdict = { kind: "key"; key: AuthenticatedKey } | { kind: "missing" } | { kind: "invalid" };
const verdicts = new WeakMap<Request, Verdict>();

/** The key that authenticated this request, if any (set by authenticate). */
export function authenticatedKey(res: Response): AuthenticatedKey | undefined {
  return res.locals[LOCALS_KEY] as AuthenticatedKey | undefined;
}

/**
 * Two steps so that the rate limiter can sit between them: it then limits by key when a key
 * was found and by client address otherwise, and requests with bad keys are limited too
 * before they are refused.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): ApiKeyAuth {
  if (!options.enabled) {
    const pass: RequestHandler = (_req, _res, next) => next();
    return { authenticate: pass, authorize: pass };
  }
  const { keys, metrics, logger } = options;
  const publicPaths = publicPathSet(options.publicPaths);
  const lookup = keyLookup(keys, options.cacheTtlMs, options.cacheMax ?? 10_000);

  const authenticate: RequestHandler = async (req, res, next) => {
    if (isPublicPath(req.path, publicPaths)) return next();
    const secret = presentedSecret(req);
    if (secret === undefined) {
      verdicts.set(req, { kind: "missing" });
      return next();
    }
    let key: AuthenticatedKey | undefined;
    try {
      key = await lookup(secret);
    } catch (error) {
      logger.warn("API key lookup failed", { error: errorMessage(error) });
      throw new HttpError(503, "unavailable", "API keys cannot be checked right now; retry shortly");
    }
    if (!key) {
      verdicts.set(req, { kind: "invalid" });
      return next();
    }
    verdicts.set(req, { kind: "key", key });
    res.locals[LOCALS_KEY] = key;
    keys.touch(key.keyId).catch((error: Error) => logger.warn("recording API key use failed", { api_key_prefix: key.prefix, error: error.message }));
    // Every log line of the rest of this request names the key by its prefix.
    return withLogContext({ api_key_prefix: key.prefix }, next);
  };

  const authorize: RequestHandler = (req, res, next) => {
    if (isPublicPath(req.path, publicPaths)) return next();
    const verdict = verdicts.get(req) ?? { kind: "missing" };
    if (verdict.kind !== "key") {
      metrics.authFailures.inc({ reason: verdict.kind });
      res.setHeader("WWW-Authenticate", 'Bearer realm="query-api"');
      throw verdict.kind === "missing"
        ? new HttpError(401, "unauthorized", "an API key is required: send it as X-API-Key (or Authorization: Bearer <key>)")
        : new HttpError(401, "unauthorized", "the API key is not valid (unknown or revoked)");
    }
    const needed = requiredScope(req.method, req.path);
    if (!scopeAllows(verdict.key.scopes, needed)) {
      metrics.authFailures.inc({ reason: "forbidden" });
      throw new HttpError(
        403,
        "forbidden",
        `${req.method} ${req.path} needs an API key with the ${needed} scope; key ${verdict.key.prefix} has ${verdict.key.scopes.join(", ") || "none"}`,
      );
    }
    next();
  };

  return { authenticate, authorize };
}

function presentedSecret(req: Request): string | undefined {
  const header = req.get("x-api-key")?.trim();
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return match?.[1];
}

/**
 * Verified keys cached in this process, keyed by the secret's hash (the secret itself is kept
 * nowhere). Concurrent requests with the same uncached key share one PostgreSQL lookup. Unknown
 * keys are not cached, so a key works as soon as it is created and guesses cannot evict real keys.
 */
function keyLookup(keys: ApiKeyVerifier, ttlMs: number, max: number): (secret: string) => Promise<AuthenticatedKey | undefined> {
  const find = async (secret: string) => {
    const key = await keys.findBySecret(secret);
    return key ? toAuthenticated(key) : undefined;
  };
  if (ttlMs <= 0) return find;
  const cache = new LRUCache<string, AuthenticatedKey, string>({
    max,
    ttl: ttlMs,
    fetchMethod: (_hash, _stale, { context }) => find(context),
  });
  return (secret) => cache.fetch(createHash("sha256").update(secret).digest("base64"), { context: secret });
}

function toAuthenticated(key: ApiKey): AuthenticatedKey {
  return { keyId: key.keyId, name: key.name, prefix: key.prefix, scopes: key.scopes, rateLimitPerMinute: key.rateLimitPerMinute };
}
