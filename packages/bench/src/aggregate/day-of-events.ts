// The throughput leg's events: N trading events over 24 h of event time, stored the way the
// ingester stores them (partitions, then one COPY per batch) in event-time order, with 1 % of
// every batch late: events 1-6 h older than the rest of their batch (within the 24 h allowed
// lateness, so they are folded into old buckets, not set aside).
import type { Sql } from "@trading-analytics/core";
import { storeEvents, tradingEvents } from "@trading-analytics/rollups/testing";

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;
export const STORE_BATCH = 5_000;
export const LATE_SHARE = 0.01;

export interface StoredDay {
  events: number;
  late: number;
  batches: number;
  fromMs: number;
  toMs: number;
}

export async function storeDayOfEvents(sql: Sql, count: number, endMs: number, onProgress: (stored: number) => void): Promise<StoredDay> {
  const batches = Math.ceil(count / STORE_BATCH);
  const sliceMs = DAY_MS / batches;
  const fromMs = endMs - DAY_MS;
  let stored = 0;
  let late = 0;
  for (let batch = 0; batch < batches; batch++) {
    const size = Math.min(STORE_BATCH, count - stored);
    const lateCount = Math.floor(size * LATE_SHARE);
    const sliceEnd = Math.round(fromMs + (batch + 1) * sliceMs);
    const onTime = tradingEvents(size - lateCount, { endMs: sliceEnd, spanMs: Math.max(1, Math.round(sliceMs)), seed: 2 * batch + 1 });
    // Late ones: event time 1-6 h before this batch, received with it.
    const lateOnes = tradingEvents(lateCount, { endMs: sliceEnd - HOUR_MS, spanMs: 5 * HOUR_MS, seed: 2 * batch + 2, receivedAtMs: sliceEnd + 20 });
    await storeEvents(sql, [...onTime, ...lateOnes]);
    stored += size;
    late += lateCount;
    if (batch % 20 === 19) onProgress(stored);
  }
  return { events: stored, late, batches, fromMs, toMs: endMs };
}
