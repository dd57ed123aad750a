import type { RequestHandler } from "express";
import type { Config, Logger } from "@trading-analytics/core";
import { createSecurityMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";
import { apiKeyAuth, type ApiKeyVerifier } from "./api-key-auth.middleware";
import { trustProxySetting } from "./client-address";
import { corsPolicy } from "./cors.middleware";
import { rateLimit } from "./rate-limit.middleware";
import type { ScriptRunner } from "./redis-token-bucket";
import { DEFAULT_PUBLIC_PATHS, isPublicPath, publicPathSet } from "./route-scopes";

export { type AuthenticatedKey, type ApiKeyVerifier, apiKeyAuth, authenticatedKey } from "./api-key-auth.middleware";
export { clientAddressKey, trustProxySetting } from "./client-address";
export { corsPolicy } from "./cors.middleware";
export { rateLimit } from "./rate-limit.middleware";
export { DEFAULT_PUBLIC_PATHS, requiredScope } from "./route-scopes";

export interface SecurityDeps {
  config: Config["security"];
  /** An ApiKeysRepository. */
  keys: ApiKeyVerifier;
  /** The app's node-redis client (rate-limit buckets). */
  redis: ScriptRunner;
  redisKeyPrefix: string;
  registry: Registry;
  logger: Logger;
  /** metrics.path, public like the health routes. */
  metricsPath: string;
}

export interface Security {
  /** For app.set("trust proxy", ...) before any middleware reads req.ip. */
  trustProxy: false | string[];
  /** In this order, after the request context and before body parsing and routes. */
  chain: RequestHandler[];
  /** Health, metrics, the OpenAPI document, the dashboard's files: no key, no body. */
  isPublic(path: string): boolean;
}

/** CORS, then the API key, then the rate limit (per key, else per address), then scope checks. */
export function createSecurity(deps: SecurityDeps): Security {
  const { config, logger } = deps;
  const metrics = createSecurityMetrics(deps.registry);
  const publicPaths = [...DEFAULT_PUBLIC_PATHS, deps.metricsPath];
  const publicSet = publicPathSet(publicPaths);
  const auth = apiKeyAuth({ enabled: config.api_key_enabled, keys: deps.keys, cacheTtlMs: config.api_key_cache_ttl, publicPaths, metrics, logger });
  const limiter = rateLimit({ config: config.rate_limit, redis: deps.redis, redisKeyPrefix: deps.redisKeyPrefix, publicPaths, metrics, logger });
  return {
    trustProxy: trustProxySetting(config.trusted_proxies),
    chain: [corsPolicy(config.cors), auth.authenticate, limiter, auth.authorize],
    isPublic: (path) => isPublicPath(path, publicSet),
  };
}
export { clientSubject } from "./client-subject";
