/**
 * One value fetched at most once per `maxAgeMs` and shared by every caller in between: a value
 * that another process refreshes on a timer (the dashboard figures, rewritten every second)
 * needs no round trip per request. Concurrent callers of a stale value wait for one fetch.
 * A fetch that yields nothing worth keeping (`keep` false: missing, or its source away) is
 * returned to its callers and not held, so the next call asks again.
 */
export class SharedRecentValue<T> {
  private held: { value: T; fetchedAt: number } | undefined;
  private fetching: Promise<T> | undefined;

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly options: { maxAgeMs: number; keep: (value: T) => boolean; now?: () => number },
  ) {}

  get(): T | Promise<T> {
    const now = (this.options.now ?? Date.now)();
    // Synchronous when fresh: no promise, no microtask, for the common case.
    if (this.held && now - this.held.fetchedAt < this.options.maxAgeMs) return this.held.value;
    this.fetching ??= this.fetchOnce(now);
    return this.fetching;
  }

  private async fetchOnce(startedAt: number): Promise<T> {
    try {
      const value = await this.fetch();
      // Aged from when the fetch began: what it returns is at least that old.
      this.held = this.options.keep(value) ? { value, fetchedAt: startedAt } : undefined;
      return value;
    } finally {
      this.fetching = undefined;
    }
  }
}
