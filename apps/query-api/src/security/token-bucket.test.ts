import { bucketPolicy, decide, takeToken, type BucketState } from "./token-bucket";

describe("token bucket", () => {
  const policy = bucketPolicy(60, 5); // one token a second, five at once

  it("allows a full burst at once, then refuses until a token has refilled", () => {
    let state: BucketState | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 7; i += 1) {
      const result = takeToken(state, policy, 1_000);
      state = result.state;
      allowed.push(result.allowed);
    }
    expect(allowed).toEqual([true, true, true, true, true, false, false]);
    expect(takeToken(state, policy, 1_999).allowed).toBe(false);
    expect(takeToken(state, policy, 2_000).allowed).toBe(true);
  });

  it("refills at the sustained rate, never beyond the capacity", () => {
    const empty = { tokens: 0, updatedAtMs: 0 };
    expect(takeToken(empty, policy, 3_000).state.tokens).toBeCloseTo(2);
    expect(takeToken(empty, policy, 3_600_000).state.tokens).toBe(4);
  });

  it("caps the burst at a minute's allowance", () => {
    expect(bucketPolicy(10, 100).capacity).toBe(10);
    expect(bucketPolicy(1000, 100)).toEqual({ capacity: 100, refillPerMs: 1000 / 60_000 });
  });

  it("tells when to retry and when the bucket is full again", () => {
    expect(decide(true, 3.5, policy)).toEqual({ allowed: true, limit: 5, remaining: 3, retryAfterMs: 0, resetAfterMs: 1500 });
    expect(decide(false, 0.25, policy)).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterMs: 750, resetAfterMs: 4750 });
  });

  it("with the seed's limit (1,000 a minute, burst = the minute's rate) admits 1,000 at once and refuses the 1,001st", () => {
    const seed = bucketPolicy(1000, 1000);
    let state: BucketState | undefined;
    let admitted = 0;
    for (let i = 0; i < 1000; i += 1) {
      const result = takeToken(state, seed, 5_000);
      state = result.state;
      if (result.allowed) admitted += 1;
    }
    expect(admitted).toBe(1000);
    const next = takeToken(state, seed, 5_000);
    expect(next.allowed).toBe(false);
    expect(decide(false, next.state.tokens, seed)).toMatchObject({ limit: 1000, remaining: 0, retryAfterMs: 60 });
    // Past the burst the seed refuses for the rest of its minute; a bucket admits one per 60 ms.
    expect(takeToken(state, seed, 5_060).allowed).toBe(true);
  });
});
