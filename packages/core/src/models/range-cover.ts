import { type AggregationInterval, INTERVAL_MS, sortIntervals } from "./intervals";

/** A run of whole buckets of one interval: [fromMs, toMs). */
export interface CoverSegment {
  interval: AggregationInterval;
  fromMs: number;
  toMs: number;
}

/**
 * The fewest whole buckets that tile [fromMs, toMs), coarsest first where they fit: a month
 * becomes ~30 day buckets plus a few hours and minutes at the edges, instead of 43,200 minutes.
 * Merging those buckets' states gives exactly the range's state (every interval is kept for the
 * same events). Both ends must lie on the finest interval's boundaries.
 */
export function coverRange(fromMs: number, toMs: number, available: readonly AggregationInterval[]): CoverSegment[] {
  const intervals = sortIntervals(available);
  const finest = intervals[0];
  if (!finest) throw new Error("no intervals to cover a range with");
  if (fromMs % INTERVAL_MS[finest] !== 0 || toMs % INTERVAL_MS[finest] !== 0) {
    throw new Error(`range ends must lie on ${finest} boundaries`);
  }
  return coverAligned(fromMs, toMs, intervals.length - 1, intervals);
}

function coverAligned(fromMs: number, toMs: number, level: number, intervals: AggregationInterval[]): CoverSegment[] {
  if (fromMs >= toMs) return [];
  const interval = intervals[level]!;
  const size = INTERVAL_MS[interval];
  const innerFrom = Math.ceil(fromMs / size) * size;
  const innerTo = Math.floor(toMs / size) * size;
  if (level === 0) return [{ interval, fromMs, toMs }];
  if (innerFrom >= innerTo) return coverAligned(fromMs, toMs, level - 1, intervals);
  return [
    ...coverAligned(fromMs, innerFrom, level - 1, intervals),
    { interval, fromMs: innerFrom, toMs: innerTo },
    ...coverAligned(innerTo, toMs, level - 1, intervals),
  ];
}
