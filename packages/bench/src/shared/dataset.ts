// The traffic the benches are measured over, where they make the same: seeded TradingFlow
// events as producers send them (the ingest bench's dataset, the api bench's posted batches),
// and, for the month of events made by SQL, its partitions and the 1m count rollups the
// aggregator would have written for it.
import { type GeneratedEvent, type Sql, TradingFlow, type WireEvent } from "@trading-analytics/core";

/** `count` events of seeded TradingFlow traffic (orders and their lifecycles, ticks, signals, sessions), one step every `stepMs` from `start`. */
export function tradingTraffic(count: number, seed: number, start: Date, stepMs: number): GeneratedEvent[] {
  // TradingFlow emits one or more events per step: count steps, then the first count events.
  return new TradingFlow({ seed, startTime: start }).take(count, start, stepMs).slice(0, count);
}

/** The partitions every event in [fromMs, toMs) needs, with a day to spare each side. */
export async function ensureEventPartitions(sql: Sql, fromMs: number, toMs: number): Promise<void> {
  await sql`select ensure_events_partitions(${new Date(fromMs)}::timestamptz::date - 1, ${new Date(toMs)}::timestamptz::date + 1)`;
}

/** The 1m count rows the aggregator keeps (events.count.<type>, overall) for every stored event, by SQL; returns the rows written. */
export async function fillMinuteCountRollups(sql: Sql): Promise<number> {
  const result = await sql`
    insert into metric_rollups (metric_name, interval, bucket_start, dimension, dimension_value, count, sum)
    select 'events.count.' || event_type, '1m', date_trunc('minute', "timestamp"), '', '', count(*), 0
    from events group by 1, 3`;
  return result.count;
}

// The ingest bench's dataset: the same seeded events for every leg, as producers send them.

/** The topics the platform reads, as TradingFlow routes events to them. */
export const BENCH_TOPICS = ["trading.events", "market.data", "order.events", "user.actions"] as const;

const SEED = 42;
const TARGET_SPAN_MS = 50 * 60 * 1000;
const END_BEFORE_NOW_MS = 10 * 60 * 1000;

export interface BenchMessage {
  /** One of BENCH_TOPICS. */
  topic: string;
  key: string;
  /** The event as producers send it, serialized once. */
  value: string;
}

export interface BenchDataset {
  count: number;
  events: WireEvent[];
  messages: BenchMessage[];
  ids: string[];
  bytes: number;
  first: Date;
  last: Date;
  types: Map<string, number>;
}

/**
 * The events every ingest leg stores, ending some minutes before now so the ingester accepts
 * every one of them (it dead-letters timestamps too far ahead) and spanning under an hour (one
 * or two partitions).
 */
export function buildDataset(count: number, now: Date = new Date()): BenchDataset {
  // Count steps span at most the target.
  const stepMs = Math.max(1, Math.min(100, Math.floor(TARGET_SPAN_MS / count)));
  const start = new Date(now.getTime() - END_BEFORE_NOW_MS - count * stepMs);
  const generated = tradingTraffic(count, SEED, start, stepMs);

  const events: WireEvent[] = new Array(count);
  const messages: BenchMessage[] = new Array(count);
  const ids: string[] = new Array(count);
  const types = new Map<string, number>();
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const { topic, key, event } = generated[i]!;
    if (!event.event_id || !event.timestamp) throw new Error(`generated event ${i} has no id or timestamp`);
    const value = JSON.stringify(event);
    events[i] = event;
    messages[i] = { topic, key, value };
    ids[i] = event.event_id;
    bytes += Buffer.byteLength(value);
    types.set(event.event_type, (types.get(event.event_type) ?? 0) + 1);
  }
  return {
    count,
    events,
    messages,
    ids,
    bytes,
    first: new Date(events[0]!.timestamp!),
    last: new Date(events[count - 1]!.timestamp!),
    types,
  };
}

export function describeDataset(dataset: BenchDataset): string {
  const byTopic = new Map<string, number>();
  for (const { topic } of dataset.messages) byTopic.set(topic, (byTopic.get(topic) ?? 0) + 1);
  const share = (n: number) => `${((100 * n) / dataset.count).toFixed(0)}%`;
  const topics = [...byTopic].map(([topic, n]) => `${topic} ${share(n)}`).join(", ");
  const spanMinutes = (dataset.last.getTime() - dataset.first.getTime()) / 60_000;
  return (
    `${dataset.count.toLocaleString("en-US")} events, ${dataset.types.size} types, ` +
    `${(dataset.bytes / dataset.count).toFixed(0)} B/event avg (${(dataset.bytes / 1e6).toFixed(1)} MB), ` +
    `${spanMinutes.toFixed(0)} min from ${dataset.first.toISOString()}; ${topics}`
  );
}
