/** What a label value beyond the bound is reported as. */
export const OTHER_LABEL_VALUE = "_other";

/**
 * Keeps a metric label to at most `max` distinct values: the first ones seen are kept, later
 * new ones are reported as OTHER_LABEL_VALUE. Event types and services come from producers,
 * and a producer sending a new one per event would otherwise grow the series without end.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  value(candidate: string): string {
    if (this.seen.has(candidate)) return candidate;
    if (this.seen.size >= this.max) return OTHER_LABEL_VALUE;
    this.seen.add(candidate);
    return candidate;
  }
}
