/** One stored day text and the row version (xmin) it was read at. */
export interface CachedDayText {
  version: string;
  text: string;
}

/**
 * The day series texts a reader has read, by series and day, least recently used out first
 * once they hold more than maxChars characters. An entry is only ever served again for the same
 * row version, which the database names on every read: nothing here can go stale.
 */
export class DayTextCache {
  private readonly entries = new Map<string, CachedDayText>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** What the cache holds for these days of one series: day -> version. */
  versions(series: string, days: readonly number[]): Map<number, string> {
    const found = new Map<number, string>();
    for (const day of days) {
      const entry = this.entries.get(`${series}\u0000${day}`);
      if (entry) found.set(day, entry.version);
    }
    return found;
  }

  /** The text held for this version, marked as just used; undefined when it holds another or none. */
  get(series: string, day: number, version: string): string | undefined {
    const key = `${series}\u0000${day}`;
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.text;
  }

  set(series: string, day: number, version: string, text: string): void {
    const key = `${series}\u0000${day}`;
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
