import { createHash } from "node:crypto";
import { type BucketPolicy, decide, type RateLimitDecision } from "./token-bucket";

/**
 * The token bucket of token-bucket.ts as one atomic script, so replicas sharing Redis share
 * each bucket. Redis's clock (TIME) is used, not the replicas', so their skew does not matter.
 * KEYS[1] bucket; ARGV capacity, refill per ms. Returns {allowed 0|1, tokens left as text}.
 */
const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * refill) else now = ts end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / refill) + 1000)
return {allowed, tostring(tokens)}
`;
const TAKE_TOKEN_SHA = createHash("sha1").update(TAKE_TOKEN).digest("hex");

/** The part of a node-redis client this needs. */
export interface ScriptRunner {
  readonly isReady: boolean;
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export class RedisTokenBuckets {
  constructor(
    private readonly redis: ScriptRunner,
    private readonly keyPrefix: string,
  ) {}

  get available(): boolean {
    return this.redis.isReady;
  }

  async take(subject: string, policy: BucketPolicy): Promise<RateLimitDecision> {
    const options = { keys: [`${this.keyPrefix}ratelimit:${subject}`], arguments: [String(policy.capacity), String(policy.refillPerMs)] };
    let reply: unknown;
    try {
      reply = await this.redis.evalSha(TAKE_TOKEN_SHA, options);
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH): EVAL loads the script into its cache.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      reply = await this.redis.eval(TAKE_TOKEN, options);
    }
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`unexpected rate-limit script reply ${JSON.stringify(reply)}`);
    return decide(Number(reply[0]) === 1, Number(reply[1]), policy);
  }
}
