import { DDSketch } from "@datadog/sketches-js";

// Percentiles come from DDSketch: a quantile sketch whose answers are within a relative error
// of the exact value at the same rank, and whose merge is exact (bin counts add), so a 1h
// bucket merged from sixty 1m sketches is the same sketch as one built from the raw values.

/** The relative-error guarantee of every stored sketch (1 %). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** A mergeable quantile sketch (the DDSketch API; deserialised sketches share it). */
export type ValueSketch = Pick<DDSketch, "accept" | "merge" | "getValueAtQuantile" | "toProto" | "count">;

export function emptySketch(): ValueSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

export function sketchToBytes(sketch: ValueSketch): Buffer {
  return Buffer.from(sketch.toProto());
}

export function sketchFromBytes(bytes: Uint8Array): ValueSketch {
  // fromProto returns the base class; merging it into (or with) a DDSketch is supported.
  return DDSketch.fromProto(bytes) as unknown as ValueSketch;
}

/** A copy of `sketch` (merge mutates its receiver). */
export function copySketch(sketch: ValueSketch): ValueSketch {
  const copy = emptySketch();
  copy.merge(sketch as DDSketch);
  return copy;
}

export function mergeSketchInto(target: ValueSketch, source: ValueSketch): void {
  target.merge(source as DDSketch);
}

/**
 * The value at quantile q, or null for an empty sketch. The rank is q × (count − 1), rounded
 * down: the exact value it approximates is sorted[floor(q × (n − 1))].
 */
export function sketchQuantile(sketch: ValueSketch, q: number): number | null {
  if (sketch.count === 0) return null;
  return sketch.getValueAtQuantile(q);
}
