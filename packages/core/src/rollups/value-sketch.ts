import { DDSketch } from "@datadog/sketches-js";
import { BoundedDenseStore, nonEmptyBins } from "./bounded-dense-store";

// Percentiles come from DDSketch: a quantile sketch whose answers are within a relative error
// of the exact value at the same rank, and whose merge is exact (bin counts add), so a 1h
// bucket merged from sixty 1m sketches is the same sketch as one built from the raw values.

/** The relative-error guarantee of every stored sketch (1 %). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * Bins each store (positive values, negative values) of a sketch keeps at most. At 1 % a bin
 * spans a factor of 1.0202, so 2,048 bins span a factor of about 6e17: values within 17 orders
 * of magnitude of the largest in the bucket keep the 1 % guarantee; smaller ones are counted in
 * the lowest bin kept, so a quantile that lands among them answers that bin's value (too large).
 * Decoded, a full store holds ~16 KB; without the bound one tiny and one huge value made ~50,000.
 */
export const SKETCH_MAX_BINS = 2048;

export type ValueSketch = DDSketch;

const SHARED_MAPPING = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;
/** Bins a store grows by. The library's 128 suits one long-lived sketch; a rollup cycle makes
 * tens of thousands of sketches holding a few values each. */
const STORE_CHUNK = 16;

export function emptySketch(): ValueSketch {
  const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  // The mapping is immutable (it only converts values to bin keys), so one serves all.
  sketch.mapping = SHARED_MAPPING;
  sketch.store = new BoundedDenseStore(SKETCH_MAX_BINS, STORE_CHUNK);
  sketch.negativeStore = new BoundedDenseStore(SKETCH_MAX_BINS, STORE_CHUNK);
  return sketch;
}

// Stored form. The library's protobuf encoding writes every bin of its dense store, zeros
// included (about 1 KB for a single value) and costs ~90 µs a sketch; a rollup cycle writes
// thousands, and a day's sketch has hundreds of bins. This one lists only non-empty bins as
// varints: key deltas (zigzag, so negative keys cost no more) and integer counts:
//   u8 version, varint zero count, then for the positive and the negative store:
//   varint n, n × (zigzag varint key delta, varint count).
// The relative accuracy is fixed by the version: a different accuracy is a new version. The bin
// bound needs none: a row written before it decodes through the bounded store, which collapses
// its lowest bins as it reads them.
const FORMAT_VERSION = 2;

export function sketchToBytes(sketch: ValueSketch): Buffer {
  const out = new VarintWriter();
  out.byte(FORMAT_VERSION);
  out.unsigned(sketch.zeroCount);
  for (const store of [sketch.store, sketch.negativeStore]) {
    const bins = nonEmptyBins(store);
    out.unsigned(bins.length);
    let previous = 0;
    for (const [key, count] of bins) {
      out.unsigned(zigzag(key - previous));
      out.unsigned(count);
      previous = key;
    }
  }
  return out.toBuffer();
}

export function sketchFromBytes(bytes: Uint8Array): ValueSketch {
  const input = new VarintReader(bytes);
  const version = input.byte();
  if (version !== FORMAT_VERSION) throw new Error(`stored sketch has format ${version}; this build reads format ${FORMAT_VERSION}`);
  const sketch = emptySketch();
  sketch.zeroCount = input.unsigned();
  for (const store of [sketch.store, sketch.negativeStore]) {
    const n = input.unsigned();
    let key = 0;
    for (let i = 0; i < n; i += 1) {
      key += unzigzag(input.unsigned());
      store.add(key, input.unsigned());
    }
  }
  sketch.count = sketch.zeroCount + sketch.store.count + sketch.negativeStore.count;
  return sketch;
}

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number) => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/** LEB128 varints of non-negative integers up to 2^53 (arithmetic, not 32-bit shifts). */
class VarintWriter {
  private bytes: number[] = [];

  byte(value: number): void {
    this.bytes.push(value);
  }

  unsigned(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`sketch counts are whole numbers, not ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes.push((rest % 0x80) + 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

class VarintReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    return this.next();
  }

  unsigned(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.next();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }

  private next(): number {
    if (this.at >= this.bytes.length) throw new Error("stored sketch is truncated");
    return this.bytes[this.at++]!;
  }
}

// Calibrated on Node 20 x64 against heap used before and after dropping thousands of rollup
// states: the dense stores' bin arrays dominate, and they grow by push, so their capacity
// runs about half again past their length.
const SKETCH_OBJECTS_BYTES = 400;
const BYTES_PER_BIN = 12;

/** Roughly the V8 heap one decoded sketch holds (for caches that bound their memory). */
export function estimatedSketchBytes(sketch: ValueSketch): number {
  return SKETCH_OBJECTS_BYTES + BYTES_PER_BIN * (sketch.store.bins.length + sketch.negativeStore.bins.length);
}

/** A copy of `sketch` (merge mutates its receiver). */
export function copySketch(sketch: ValueSketch): ValueSketch {
  const copy = emptySketch();
  copy.merge(sketch);
  return copy;
}

export function mergeSketchInto(target: ValueSketch, source: ValueSketch): void {
  target.merge(source);
}

/**
 * The value at quantile q, or null for an empty sketch. The rank is q × (count − 1), rounded
 * down: the exact value it approximates is sorted[floor(q × (n − 1))].
 */
export function sketchQuantile(sketch: ValueSketch, q: number): number | null {
  if (sketch.count === 0) return null;
  return sketch.getValueAtQuantile(q);
}
