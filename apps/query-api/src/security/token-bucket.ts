// Token bucket arithmetic, shared by the in-process bucket and mirrored by the Redis script
// (redis-token-bucket.ts), so both limit the same way.

export interface BucketPolicy {
  /** Most tokens the bucket holds: requests allowed at once. */
  capacity: number;
  /** Tokens added per millisecond: the sustained rate. */
  refillPerMs: number;
}

export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The bucket's capacity (X-RateLimit-Limit). */
  limit: number;
  /** Whole requests left now (X-RateLimit-Remaining). */
  remaining: number;
  /** How long until one more request would be allowed; 0 when allowed. */
  retryAfterMs: number;
  /** How long until the bucket is full again (X-RateLimit-Reset). */
  resetAfterMs: number;
}

/** requests_per_minute and burst → a bucket; the burst never exceeds a minute's allowance. */
export function bucketPolicy(requestsPerMinute: number, burst: number): BucketPolicy {
  return { capacity: Math.max(1, Math.min(burst, requestsPerMinute)), refillPerMs: requestsPerMinute / 60_000 };
}

/** Refills the bucket for the time elapsed, then takes one token if there is one. */
export function takeToken(state: BucketState | undefined, policy: BucketPolicy, nowMs: number): { allowed: boolean; state: BucketState } {
  const previous = state ?? { tokens: policy.capacity, updatedAtMs: nowMs };
  const elapsed = Math.max(0, nowMs - previous.updatedAtMs);
  const tokens = Math.min(policy.capacity, previous.tokens + elapsed * policy.refillPerMs);
  const allowed = tokens >= 1;
  return { allowed, state: { tokens: allowed ? tokens - 1 : tokens, updatedAtMs: Math.max(nowMs, previous.updatedAtMs) } };
}

/** What to tell the client, from the tokens left after the request. */
export function decide(allowed: boolean, tokensLeft: number, policy: BucketPolicy): RateLimitDecision {
  const tokens = Math.max(0, Math.min(policy.capacity, tokensLeft));
  return {
    allowed,
    limit: policy.capacity,
    remaining: Math.floor(tokens),
    retryAfterMs: allowed ? 0 : Math.ceil((1 - tokens) / policy.refillPerMs),
    resetAfterMs: Math.ceil((policy.capacity - tokens) / policy.refillPerMs),
  };
}
