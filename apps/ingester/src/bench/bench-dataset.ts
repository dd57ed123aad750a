// The events every leg stores: seeded TradingFlow traffic (orders and their lifecycles, ticks,
// signals, sessions), ending some minutes before now so the ingester accepts every one of them
// (it dead-letters timestamps too far ahead) and spanning under an hour (one or two partitions).
import { TradingFlow, type WireEvent } from "@trading-analytics/core";

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

export function buildDataset(count: number, now: Date = new Date()): BenchDataset {
  // TradingFlow emits one or more events per step, so count steps span at most the target.
  const stepMs = Math.max(1, Math.min(100, Math.floor(TARGET_SPAN_MS / count)));
  const start = new Date(now.getTime() - END_BEFORE_NOW_MS - count * stepMs);
  const generated = new TradingFlow({ seed: SEED, startTime: start }).take(count, start, stepMs).slice(0, count);

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
