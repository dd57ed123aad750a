import { POINT_SEPARATOR } from "./metric-point-json";

// Cutting a series block text (metric_series_blocks.points, held as UTF-8 bytes) at bucket
// times. Every point in it is json_build_object output starting with its bucket:
// {"bucket_start" : "2026-11-24T13:07:00Z", ... and holds no other string, so the point starts
// found below are the only matches.
const POINT_START = Buffer.from('{"bucket_start" : "');
const SEPARATOR_BYTES = Buffer.byteLength(POINT_SEPARATOR);

/** The bucket text of a bound: buckets are whole seconds, so bucket >= t exactly when bucket >= t rounded up to a second. */
function bucketBytes(ms: number): Buffer {
  return Buffer.from(new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z"));
}

/** Where the first point whose bucket starts at or after `bucket` begins; text.length if none. */
function firstPointFrom(text: Buffer, bucket: Buffer): number {
  for (let at = text.indexOf(POINT_START); at !== -1; at = text.indexOf(POINT_START, at + POINT_START.length)) {
    const start = at + POINT_START.length;
    // Same-length ISO texts order as their times.
    if (text.compare(bucket, 0, bucket.length, start, start + bucket.length) >= 0) return at;
  }
  return text.length;
}

/** The points of a block text whose buckets start in [fromMs, toMs), as a text of the same form (empty for none); shares the text's memory. */
export function pointsBetween(text: Buffer, fromMs: number, toMs: number): Buffer {
  const start = firstPointFrom(text, bucketBytes(fromMs));
  const end = firstPointFrom(text, bucketBytes(toMs));
  if (end <= start) return text.subarray(0, 0);
  // Up to the separator before the first point left out.
  return text.subarray(start, end < text.length ? end - SEPARATOR_BYTES : end);
}
