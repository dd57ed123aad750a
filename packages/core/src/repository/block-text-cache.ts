/** One stored block text and the row version (xmin) it was read at. */
export interface CachedBlockText {
  version: string;
  text: string;
}

/**
 * The series block texts a reader has read, by series and block, least recently used out first
 * once they hold more than maxChars characters. An entry is only ever served again for the same
 * row version, which the database names on every read: nothing here can go stale.
 */
export class BlockTextCache {
  private readonly entries = new Map<string, CachedBlockText>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** What the cache holds for these blocks of one series: block -> version. */
  versions(series: string, blocks: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const block of blocks) {
      const entry = this.entries.get(`${series}\u0000${block}`);
      if (entry) found.set(block, entry.version);
    }
    return found;
  }

  /** The text held for this version, marked as just used; undefined when it holds another or none. */
  get(series: string, block: string, version: string): string | undefined {
    const key = `${series}\u0000${block}`;
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.text;
  }

  set(series: string, block: string, version: string, text: string): void {
    const key = `${series}\u0000${block}`;
    this.remove(key);
    if (text.length > this.maxChars) return;
    this.entries.set(key, { version, text });
    this.chars += text.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.remove(oldest);
    }
  }

  get size(): { entries: number; chars: number } {
    return { entries: this.entries.size, chars: this.chars };
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.text.length;
  }
}
