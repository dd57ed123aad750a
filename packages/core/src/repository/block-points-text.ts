import { POINT_SEPARATOR } from "./metric-point-json";

// Cutting a series block text (metric_series_blocks.points) at bucket times. Every point in it is
// json_build_object output starting with its bucket: {"bucket_start" : "2026-11-24T13:07:00Z", ...
// and holds no other string, so the point starts found below are the only matches.
const POINT_START = '{"bucket_start" : "';

/** The bucket text of a bound: buckets are whole seconds, so bucket >= t exactly when bucket >= t rounded up to a second. */
function bucketText(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Where the first point whose bucket starts at or after `bucket` begins; text.length if none. */
function firstPointFrom(text: string, bucket: string): number {
  for (let at = text.indexOf(POINT_START); at !== -1; at = text.indexOf(POINT_START, at + POINT_START.length)) {
    const start = at + POINT_START.length;
    if (text.slice(start, start + bucket.length) >= bucket) return at;
  }
  return text.length;
}

/** The points of a block text whose buckets start in [fromMs, toMs), as a text of the same form ("" for none). */
export function pointsBetween(text: string, fromMs: number, toMs: number): string {
  const start = firstPointFrom(text, bucketText(fromMs));
  const end = firstPointFrom(text, bucketText(toMs));
  if (end <= start) return "";
  // The slice ends with the separator before the first point left out.
  const slice = text.slice(start, end);
  return end < text.length ? slice.slice(0, slice.length - POINT_SEPARATOR.length) : slice;
}
