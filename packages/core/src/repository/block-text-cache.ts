/** One stored block text, as UTF-8 bytes, and the row version (xmin) it was read at. */
export interface CachedBlockText {
  version: string;
  text: Buffer;
}

/**
 * The series block texts a reader has read, by series and block, least recently used out first
 * once they hold more than maxBytes bytes. An entry is only ever served again for the same
 * row version, which the database names on every read: nothing here can go stale.
 */
export class BlockTextCache {
  private readonly entries = new Map<string, CachedBlockText>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

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
  get(series: string, block: string, version: string): Buffer | undefined {
    const key = `${series}\u0000${block}`;
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.text;
  }

  set(series: string, block: string, version: string, text: Buffer): void {
    const key = `${series}\u0000${block}`;
    this.remove(key);
    if (text.length > this.maxBytes) return;
    this.entries.set(key, { version, text });
    this.bytes += text.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.text.length;
  }
}
