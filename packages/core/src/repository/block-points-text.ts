// Cutting a series block text (metric_series_blocks.points, held as UTF-8 bytes) at bucket
// times. Every point in it starts with its bucket, {"bucket_start":"2026-11-24T13:07:00Z",...
// and holds no other string, so the point starts found below are the only matches. Blocks an
// aggregator older than migration 0011 writes during an upgrade have json_build_object's form,
// {"bucket_start" : "...", ...}, and are cut the same way.
const BUCKET_KEY = Buffer.from('{"bucket_start"');
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

/** The bucket text of a bound: buckets are whole seconds, so bucket >= t exactly when bucket >= t rounded up to a second. */
function bucketBytes(ms: number): Buffer {
  return Buffer.from(new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z"));
}

/** Where the first point whose bucket starts at or after `bucket` begins; text.length if none. */
function firstPointFrom(text: Buffer, bucket: Buffer): number {
  for (let at = text.indexOf(BUCKET_KEY); at !== -1; at = text.indexOf(BUCKET_KEY, at + BUCKET_KEY.length)) {
    const start = text.indexOf(QUOTE, at + BUCKET_KEY.length) + 1;
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
  // Up to the end of the last point kept, leaving out the separator after it.
  return text.subarray(start, end < text.length ? text.lastIndexOf(CLOSE_BRACE, end) + 1 : end);
}
