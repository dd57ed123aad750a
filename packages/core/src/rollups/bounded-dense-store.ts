// The store classes are not re-exported from the package root.
import { DenseStore } from "@datadog/sketches-js/dist/ddsketch/store";

/**
 * A DDSketch dense store holding at most `maxBins` consecutive keys: keys more than maxBins − 1
 * below the highest are counted in the lowest bin kept (the library's collapsing stores
 * double-count the bin at the collapse edge, so the bound is kept here). The rule depends only on
 * the highest key ever seen, so merging stores in any order, or adding values in any order, gives
 * the same bins.
 */
export class BoundedDenseStore extends DenseStore {
  constructor(
    readonly maxBins: number,
    chunkSize: number,
  ) {
    super(chunkSize);
  }

  /** The lowest key kept exactly; lower keys count in it. */
  get floorKey(): number {
    return this.maxKey - this.maxBins + 1;
  }

  override add(key: number, weight = 1): void {
    if (this.count === 0 || (key >= this.floorKey && key <= this.maxKey)) return super.add(key, weight);
    if (key < this.floorKey) return super.add(this.floorKey, weight);
    // A new highest key: the floor rises, and bins below it collapse into it.
    if (key - this.minKey + 1 <= this.maxBins) return super.add(key, weight);
    this.rebuild([...this.nonEmpty(), [key, weight]]);
  }

  override merge(store: DenseStore): void {
    if (store.count === 0) return;
    const minKey = Math.min(this.minKey, store.minKey);
    const maxKey = Math.max(this.maxKey, store.maxKey);
    if (maxKey - minKey + 1 <= this.maxBins) return super.merge(store);
    this.rebuild([...this.nonEmpty(), ...nonEmptyBins(store)]);
  }

  override copy(store: DenseStore): void {
    if (store.count === 0 || store.maxKey - store.minKey + 1 <= this.maxBins) return super.copy(store);
    this.rebuild(nonEmptyBins(store));
  }

  /** Non-empty (key, count) pairs, lowest key first. */
  nonEmpty(): Array<[number, number]> {
    return nonEmptyBins(this);
  }

  /** Resets the store to `bins`, collapsing the keys below the new floor into it. */
  private rebuild(bins: ReadonlyArray<readonly [number, number]>): void {
    let maxKey = -Infinity;
    for (const [key] of bins) maxKey = Math.max(maxKey, key);
    const floor = maxKey - this.maxBins + 1;
    const counts = new Map<number, number>();
    for (const [key, count] of bins) {
      const kept = Math.max(key, floor);
      counts.set(kept, (counts.get(kept) ?? 0) + count);
    }
    const fresh = new DenseStore(this.chunkSize);
    for (const key of [...counts.keys()].sort((a, b) => a - b)) fresh.add(key, counts.get(key)!);
    super.copy(fresh);
  }
}

/** Non-empty (key, count) pairs of a dense store, lowest key first. */
export function nonEmptyBins(store: Pick<DenseStore, "count" | "minKey" | "maxKey" | "offset" | "bins">): Array<[number, number]> {
  const bins: Array<[number, number]> = [];
  if (store.count === 0) return bins;
  for (let key = store.minKey; key <= store.maxKey; key += 1) {
    const count = store.bins[key - store.offset]!;
    if (count !== 0) bins.push([key, count]);
  }
  return bins;
}
