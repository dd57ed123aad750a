import type { RequestHandler, Response } from "express";
import type { Logger } from "@trading-analytics/core";
import type { SecurityMetrics } from "@trading-analytics/metrics";
import { HttpError } from "../http/http-error";
import { authenticatedKey } from "./api-key-auth.middleware";
import { clientAddressKey } from "./client-address";
import { MemoryTokenBuckets } from "./memory-token-buckets";
import { RedisTokenBuckets, type ScriptRunner } from "./redis-token-bucket";
import { isPublicPath, publicPathSet } from "./route-scopes";
import { bucketPolicy, type RateLimitDecision } from "./token-bucket";

export interface RateLimitOptions {
  /** security.rate_limit */
  config: { enabled: boolean; requests_per_minute: number; burst: number; redis_timeout: number; public_requests_per_minute: number };
  redis: ScriptRunner;
  /** redis.key_prefix */
  redisKeyPrefix: string;
  publicPaths: readonly string[];
  metrics: SecurityMetrics;
  logger: Logger;
}

type Fallback = "unavailable" | "error" | "timeout";

/**
 * Token-bucket rate limiting shared by all replicas through Redis: per API key when one was
 * authenticated (its own rate_limit_per_minute, else the default), else per client address
 * (req.ip, so X-Forwarded-For counts only from security.trusted_proxies); public paths (health,
 * metrics, the dashboard's files) per address at public_requests_per_minute. Every limited
 * response carries X-RateLimit-Limit/-Remaining/-Reset; a refusal is 429 with Retry-After and the
 * seed's body, `{"error":"rate limit exceeded","retry_after":<s>,"code":"rate_limited",...}`.
 * Redis down or slow never fails a request: this process's own buckets decide instead.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const { config, metrics, logger } = options;
  if (!config.enabled) return (_req, _res, next) => next();
  const publicPaths = publicPathSet(options.publicPaths);
  const shared = new RedisTokenBuckets(options.redis, options.redisKeyPrefix);
  const local = new MemoryTokenBuckets();
  let lastWarning = 0;

  const decideFor = async (subject: string, rate: number): Promise<RateLimitDecision> => {
    const policy = bucketPolicy(rate, config.burst);
    let fallback: Fallback;
    if (!shared.available) {
      fallback = "unavailable";
    } else {
      const outcome = await withTimeout(shared.take(subject, policy), config.redis_timeout);
      if (outcome.ok) return outcome.value;
      fallback = outcome.reason;
      if (Date.now() - lastWarning > 60_000) {
        lastWarning = Date.now();
        logger.warn("rate limiting on this process's own buckets: Redis did not answer", { reason: fallback, error: outcome.error });
      }
    }
    metrics.rateLimitFallbacks.inc({ reason: fallback });
    return local.take(subject, policy);
  };

  return async (req, res, next) => {
    // Probes, scrapes and the page's files have their own, larger bucket per address, so a flood
    // of them is refused before it runs health checks, and never eats a client's API budget.
    const isPublic = isPublicPath(req.path, publicPaths);
    const key = isPublic ? undefined : authenticatedKey(res);
    const subject = isPublic ? `public:${clientAddressKey(req.ip)}` : key ? `key:${key.keyId}` : `ip:${clientAddressKey(req.ip)}`;
    const rate = isPublic ? config.public_requests_per_minute : (key?.rateLimitPerMinute ?? config.requests_per_minute);
    const decision = await decideFor(subject, rate);
    setRateLimitHeaders(res, decision);
    if (decision.allowed) return next();
    metrics.rateLimited.inc({ subject: key ? "api_key" : "address" });
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    const who = key ? `API key ${key.prefix}` : "this client address";
    // The seed's clients match on this error text and read retry_after; the rest says which limit.
    throw new HttpError(429, "rate_limited", "rate limit exceeded", undefined, { rate_limit: `${rate} requests per minute (burst ${decision.limit}) for ${who}` }, retryAfter);
  };
}

function setRateLimitHeaders(res: Response, decision: RateLimitDecision): void {
  res.setHeader("X-RateLimit-Limit", String(decision.limit));
  res.setHeader("X-RateLimit-Remaining", String(decision.remaining));
  // Unix time in seconds at which the bucket is full again (as GitHub's X-RateLimit-Reset).
  res.setHeader("X-RateLimit-Reset", String(Math.ceil((Date.now() + decision.resetAfterMs) / 1000)));
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: "error" | "timeout"; error: string };

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: "timeout", error: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Outcome<T> => ({ ok: true, value }),
        (error: Error): Outcome<T> => ({ ok: false, reason: "error", error: error.message }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
