export interface Backoff {
  /** The delay before the first retry. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/** The delay before retry `attempt` (0 first): doubling from baseMs, capped at maxMs. */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff): number {
  // 2 ** 30 already passes any cap; a larger exponent would only risk Infinity * 0.
  return Math.min(baseMs * 2 ** Math.min(Math.max(attempt, 0), 30), maxMs);
}
