import { DDSketch } from "@datadog/sketches-js";

// Percentiles come from DDSketch: a quantile sketch whose answers are within a relative error
// of the exact value at the same rank, and whose merge is exact (bin counts add), so a 1h
// bucket merged from sixty 1m sketches is the same sketch as one built from the raw values.

/** The relative-error guarantee of every stored sketch (1 %). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

export type ValueSketch = DDSketch;

const SHARED_MAPPING = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;
/** Bins a store grows by. The library's 128 suits one long-lived sketch; a rollup cycle makes
 * tens of thousands of sketches holding a few values each. */
const STORE_CHUNK = 16;

export function emptySketch(): ValueSketch {
  const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  // The mapping is immutable (it only converts values to bin keys), so one serves all.
  sketch.mapping = SHARED_MAPPING;
  const Store = sketch.store.constructor as new (chunkSize: number) => DDSketch["store"];
  sketch.store = new Store(STORE_CHUNK);
  sketch.negativeStore = new Store(STORE_CHUNK);
  return sketch;
}

// Stored form. The library's protobuf encoding writes every bin of its dense store, zeros
// included (about 1 KB for a single value) and costs ~90 µs a sketch; a rollup cycle writes
// thousands. This one lists only the non-empty bins:
//   u8 version, f64 relative accuracy, f64 zero count,
//   u32 n, n × (i32 key, f64 count) for positive values, then the same for negative values.
const FORMAT_VERSION = 1;
const BIN_BYTES = 12;

type Store = DDSketch["store"];

export function sketchToBytes(sketch: ValueSketch): Buffer {
  const positive = nonEmptyBins(sketch.store);
  const negative = nonEmptyBins(sketch.negativeStore);
  const buffer = Buffer.allocUnsafe(1 + 8 + 8 + 4 + positive.length * BIN_BYTES + 4 + negative.length * BIN_BYTES);
  let at = buffer.writeUInt8(FORMAT_VERSION, 0);
  at = buffer.writeDoubleLE(SKETCH_RELATIVE_ACCURACY, at);
  at = buffer.writeDoubleLE(sketch.zeroCount, at);
  for (const bins of [positive, negative]) {
    at = buffer.writeUInt32LE(bins.length, at);
    for (const [key, count] of bins) {
      at = buffer.writeInt32LE(key, at);
      at = buffer.writeDoubleLE(count, at);
    }
  }
  return buffer;
}

export function sketchFromBytes(bytes: Uint8Array): ValueSketch {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = buffer.readUInt8(0);
  const accuracy = buffer.readDoubleLE(1);
  if (version !== FORMAT_VERSION || accuracy !== SKETCH_RELATIVE_ACCURACY) {
    throw new Error(`stored sketch has format ${version} and accuracy ${accuracy}; expected ${FORMAT_VERSION} and ${SKETCH_RELATIVE_ACCURACY}`);
  }
  const sketch = emptySketch();
  sketch.zeroCount = buffer.readDoubleLE(9);
  let at = 17;
  for (const store of [sketch.store, sketch.negativeStore]) {
    const n = buffer.readUInt32LE(at);
    at += 4;
    for (let i = 0; i < n; i += 1, at += BIN_BYTES) store.add(buffer.readInt32LE(at), buffer.readDoubleLE(at + 4));
  }
  sketch.count = sketch.zeroCount + sketch.store.count + sketch.negativeStore.count;
  return sketch;
}

function nonEmptyBins(store: Store): Array<[number, number]> {
  const bins: Array<[number, number]> = [];
  if (store.count === 0) return bins;
  for (let key = store.minKey; key <= store.maxKey; key += 1) {
    const count = store.bins[key - store.offset]!;
    if (count !== 0) bins.push([key, count]);
  }
  return bins;
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
