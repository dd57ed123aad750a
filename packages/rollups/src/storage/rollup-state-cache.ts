import { estimatedStateBytes, type RollupState } from "@trading-analytics/core";

/** The Map entry and the key string, beside the state itself. */
const ENTRY_BYTES = 40;

interface Entry {
  state: RollupState;
  bytes: number;
}

/**
 * The rollup states this replica last wrote, so the next cycle need not read and decode them
 * again (the 1h and 1d rows of a busy minute carry large sketches). Valid only while the
 * cursor is at the version this replica committed: any other writer moves the cursor (another
 * replica folding, a rebuild must too), which empties the cache. Bounded by an estimate of the
 * heap its states hold, least recently used out first. States handed out may be merged into in
 * place: a cycle that fails must clear().
 */
export class RollupStateCache {
  private readonly states = new Map<string, Entry>();
  private version: string | undefined;
  private heldBytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.states.size;
  }

  /** Estimated V8 heap held by the cached states and their keys. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Whether the cache still describes the stored rollups; empties it when not. */
  validAt(cursorVersion: string): boolean {
    if (this.version === cursorVersion) return true;
    this.clear();
    return false;
  }

  get(key: string): RollupState | undefined {
    return this.states.get(key)?.state;
  }

  /** After a commit: these are now the stored states, as of the cursor's new version. */
  remember(cursorVersion: string, rows: Iterable<[key: string, state: RollupState]>): void {
    for (const [key, state] of rows) {
      this.forget(key); // re-inserted at the end: most recently used
      // Measured now, not when first cached: a state handed out grows as it is merged into.
      const entry = { state, bytes: ENTRY_BYTES + key.length + estimatedStateBytes(state) };
      this.states.set(key, entry);
      this.heldBytes += entry.bytes;
    }
    for (const key of this.states.keys()) {
      if (this.heldBytes <= this.maxBytes) break;
      this.forget(key);
    }
    this.version = cursorVersion;
  }

  clear(): void {
    this.states.clear();
    this.heldBytes = 0;
    this.version = undefined;
  }

  private forget(key: string): void {
    const entry = this.states.get(key);
    if (!entry) return;
    this.states.delete(key);
    this.heldBytes -= entry.bytes;
  }
}
