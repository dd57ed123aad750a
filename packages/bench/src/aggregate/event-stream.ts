// The freshness leg's writer: stores a batch of events with event time = now on a fixed
// schedule (as ingester replicas would under a steady stream, up to `writers` batches in
// flight on their own connections), and after each commit looks up the batch's write_xid,
// the position the aggregation cursor must pass for it to be folded.
import type { Sql } from "@trading-analytics/core";
import { storeEvents, tradingEvents } from "@trading-analytics/rollups/testing";
import { sleep } from "../shared/timing";

export interface StreamedBatch {
  eventMs: number;
  committedMs: number;
  writeXid: bigint;
}

export interface StreamOptions {
  batchSize: number;
  everyMs: number;
  durationMs: number;
  /** Batches being stored at once at most (a slow COPY does not hold back the schedule). */
  writers: number;
}

export interface StreamOutcome {
  batches: StreamedBatch[];
  events: number;
  seconds: number;
}

export async function streamEvents(sql: Sql, { batchSize, everyMs, durationMs, writers }: StreamOptions): Promise<StreamOutcome> {
  const startedMs = Date.now();
  const inFlight = new Set<Promise<StreamedBatch>>();
  const stored: Promise<StreamedBatch>[] = [];
  for (let index = 0; ; index++) {
    const dueMs = startedMs + index * everyMs;
    if (dueMs >= startedMs + durationMs) break;
    const waitMs = dueMs - Date.now();
    if (waitMs > 0) await sleep(waitMs); // behind schedule: write at once, never skip a batch
    while (inFlight.size >= writers) await Promise.race(inFlight);
    const storing = storeBatch(sql, batchSize, index);
    inFlight.add(storing);
    void storing.finally(() => inFlight.delete(storing)).catch(() => undefined);
    stored.push(storing);
  }
  const batches = await Promise.all(stored);
  const seconds = (Date.now() - startedMs) / 1000;
  return { batches, events: batches.length * batchSize, seconds };
}

async function storeBatch(sql: Sql, batchSize: number, index: number): Promise<StreamedBatch> {
  const eventMs = Date.now();
  const batch = tradingEvents(batchSize, { endMs: eventMs, spanMs: 1, seed: 1_000_000 + index, receivedAtMs: eventMs });
  await storeEvents(sql, batch);
  const committedMs = Date.now();
  const first = batch[0]!;
  return { eventMs, committedMs, writeXid: await writeXidOf(sql, first.eventId, first.timestamp) };
}

async function writeXidOf(sql: Sql, eventId: string, eventTime: Date): Promise<bigint> {
  const [row] = await sql<{ xid: string }[]>`
    select write_xid::text as xid from events where id = ${eventId} and "timestamp" = ${eventTime}`;
  if (!row) throw new Error(`stream: stored event ${eventId} not found`);
  return BigInt(row.xid);
}
