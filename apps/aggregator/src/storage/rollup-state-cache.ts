import type { RollupState } from "@trading-analytics/core";

/**
 * The rollup states this replica last wrote, so the next cycle need not read and decode them
 * again (the 1h and 1d rows of a busy minute carry large sketches). Valid only while the
 * cursor is at the version this replica committed: any other writer moves the cursor (another
 * replica folding, a rebuild must too), which empties the cache. Bounded, least recently used
 * out first. States handed out may be merged into in place: a cycle that fails must clear().
 */
export class RollupStateCache {
  private readonly states = new Map<string, RollupState>();
  private version: string | undefined;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.states.size;
  }

  /** Whether the cache still describes the stored rollups; empties it when not. */
  validAt(cursorVersion: string): boolean {
    if (this.version === cursorVersion) return true;
    this.clear();
    return false;
  }

  get(key: string): RollupState | undefined {
    return this.states.get(key);
  }

  /** After a commit: these are now the stored states, as of the cursor's new version. */
  remember(cursorVersion: string, rows: Iterable<[key: string, state: RollupState]>): void {
    for (const [key, state] of rows) {
      this.states.delete(key); // re-inserted at the end: most recently used
      this.states.set(key, state);
    }
    for (const key of this.states.keys()) {
      if (this.states.size <= this.maxEntries) break;
      this.states.delete(key);
    }
    this.version = cursorVersion;
  }

  clear(): void {
    this.states.clear();
    this.version = undefined;
  }
}
