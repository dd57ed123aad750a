import { LRUCache } from "lru-cache";
import { type BucketPolicy, type BucketState, decide, type RateLimitDecision, takeToken } from "./token-bucket";

/**
 * This process's own buckets, used while Redis cannot answer: limits then hold per replica
 * instead of across replicas, which is looser but never lets a client run unchecked.
 * Bounded: the least recently seen clients are forgotten first.
 */
export class MemoryTokenBuckets {
  private readonly buckets: LRUCache<string, BucketState>;

  constructor(maxBuckets = 100_000) {
    this.buckets = new LRUCache({ max: maxBuckets });
  }

  take(subject: string, policy: BucketPolicy, nowMs = Date.now()): RateLimitDecision {
    const { allowed, state } = takeToken(this.buckets.get(subject), policy, nowMs);
    this.buckets.set(subject, state);
    return decide(allowed, state.tokens, policy);
  }
}
