import {
  bucketStart,
  countMetric,
  countOne,
  DISTINCT_METRICS,
  type DistinctMetric,
  emptyCountState,
  emptyValueState,
  measureMetric,
  mergeInto,
  observe,
  OVERALL,
  type AggregationInterval,
  type RollupKey,
  rollupKeyString,
  type RollupState,
} from "@trading-analytics/core";
import type { RollupPlan } from "./rollup-plan";

/** The part of a stored event that rollups read. */
export interface FoldableEvent {
  eventId: string;
  eventType: string;
  timeMs: number;
  receivedAtMs: number;
  userId: string | null;
  sessionId: string | null;
  properties: Record<string, unknown>;
}

/** One distinct member (a user or session id) seen in one bucket. */
export interface BucketMember {
  metric: DistinctMetric;
  interval: AggregationInterval;
  bucketStartMs: number;
  member: string;
}

export interface RollupDelta {
  key: RollupKey;
  state: RollupState;
}

export interface FoldResult {
  /** What the events add to each bucket they touch, at every interval. */
  deltas: RollupDelta[];
  /** Distinct members per bucket (deduplicated within the batch). */
  members: BucketMember[];
  /** Events stored later than the allowed lateness after their own time: not folded. */
  late: FoldableEvent[];
  folded: number;
}

/**
 * Folds a batch of events into rollup deltas. Events fold into the finest interval only; each
 * coarser interval is the merge of the finest deltas inside it, which is exact (sketches merge
 * bin by bin) and far cheaper than folding every event five times.
 */
export function foldEvents(events: readonly FoldableEvent[], plan: RollupPlan): FoldResult {
  const fold = new EventFold(plan);
  fold.add(events);
  return fold.result();
}

/**
 * foldEvents in parts: the caller may add a page slice by slice and let other work run between
 * slices (the merger lets postgres.js send and read statements). The result is the same however
 * the events are sliced.
 */
export class EventFold {
  private readonly finest = new DeltaMap();
  private readonly members = new MemberSet();
  private readonly late: FoldableEvent[] = [];
  private readonly metricNames = new Map<string, MetricNames>();
  private folded = 0;
  /** How many finest deltas and members takeNew has handed out. */
  private finestTaken = 0;
  private membersTaken = 0;
  private readonly coarserKeys = new Set<string>();
  /** Every interval but the finest, which the others are merged from. */
  private readonly coarser: readonly AggregationInterval[];

  constructor(private readonly plan: RollupPlan) {
    this.coarser = plan.intervals.slice(1);
  }

  /**
   * The rollup keys (every interval) and the members this fold has reached since the last call:
   * what the caller may look up or record while the rest of the page is folded.
   */
  takeNew(): { keys: RollupKey[]; members: BucketMember[] } {
    const keys: RollupKey[] = [];
    const finest = this.finest.values();
    for (let i = this.finestTaken; i < finest.length; i += 1) {
      const { key } = finest[i]!;
      keys.push(key);
      for (const coarser of this.coarser) {
        const coarserKey = { ...key, interval: coarser, bucketStartMs: bucketStart(key.bucketStartMs, coarser) };
        const id = rollupKeyString(coarserKey);
        if (this.coarserKeys.has(id)) continue;
        this.coarserKeys.add(id);
        keys.push(coarserKey);
      }
    }
    this.finestTaken = finest.length;
    const members = this.members.since(this.membersTaken);
    this.membersTaken += members.length;
    return { keys, members };
  }

  add(events: readonly FoldableEvent[]): void {
    const { plan, finest, members } = this;
    const interval = plan.finestInterval;
    for (const event of events) {
      if (event.receivedAtMs - event.timeMs > plan.allowedLatenessMs) {
        this.late.push(event);
        continue;
      }
      this.folded += 1;
      const bucket = bucketStart(event.timeMs, interval);
      const breakdowns = breakdownsOf(event, plan);
      const names = metricNamesOf(event.eventType, plan, this.metricNames);
      for (const [dimension, dimensionValue] of breakdowns) {
        countOne(finest.state(names.count, interval, bucket, dimension, dimensionValue, false));
      }
      plan.measures.forEach((measure, index) => {
        const value = measure.valueOf(event.properties);
        if (value === undefined) return;
        const point = { timeMs: event.timeMs, eventId: event.eventId, value };
        const metric = names.measures[index]!;
        for (const [dimension, dimensionValue] of breakdowns) {
          observe(finest.state(metric, interval, bucket, dimension, dimensionValue, true), point);
        }
      });
      for (const every of plan.intervals) {
        const bucketStartMs = bucketStart(event.timeMs, every);
        if (event.userId) members.add(DISTINCT_METRICS.activeUsers, every, bucketStartMs, event.userId);
        if (event.sessionId) members.add(DISTINCT_METRICS.activeSessions, every, bucketStartMs, event.sessionId);
      }
    }
  }

  /** The deltas of every event added so far, the coarser intervals merged from the finest. */
  result(): FoldResult {
    const deltas = [...this.finest.values()];
    for (const coarser of this.coarser) {
      const merged = new DeltaMap();
      for (const { key, state } of this.finest.values()) {
        const bucket = bucketStart(key.bucketStartMs, coarser);
        mergeInto(merged.state(key.metric, coarser, bucket, key.dimension, key.dimensionValue, state.sketch !== null), state);
      }
      deltas.push(...merged.values());
    }
    return { deltas, members: this.members.list(), late: this.late, folded: this.folded };
  }
}

/** The overall series plus one (dimension, value) per configured breakdown the event carries. */
function breakdownsOf(event: FoldableEvent, plan: RollupPlan): Array<[string, string]> {
  const breakdowns: Array<[string, string]> = [[OVERALL, ""]];
  for (const { name, property } of plan.dimensionsFor(event.eventType)) {
    const value = event.properties[property];
    if ((typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value))) {
      breakdowns.push([name, String(value)]);
    }
  }
  return breakdowns;
}

interface MetricNames {
  count: string;
  /** Aligned with plan.measures. */
  measures: string[];
}

/** Metric names are the same for every event of a type: build them once per fold. */
function metricNamesOf(eventType: string, plan: RollupPlan, cache: Map<string, MetricNames>): MetricNames {
  let names = cache.get(eventType);
  if (!names) {
    names = { count: countMetric(eventType), measures: plan.measures.map((measure) => measureMetric(measure.name, eventType)) };
    cache.set(eventType, names);
  }
  return names;
}

/** Nested maps rather than composite string keys: no key string is built per lookup, and no
 * choice of separator can make two series collide. */
class NestedMap<K, V> {
  private readonly root = new Map<K, unknown>();

  getOrCreate(path: readonly K[], create: () => V): V {
    let level = this.root;
    for (let i = 0; i < path.length - 1; i += 1) {
      let next = level.get(path[i]!) as Map<K, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(path[i]!, next);
      }
      level = next;
    }
    const last = path[path.length - 1]!;
    let value = level.get(last) as V | undefined;
    if (value === undefined) {
      value = create();
      level.set(last, value);
    }
    return value;
  }
}

class DeltaMap {
  private readonly nested = new NestedMap<string | number, RollupDelta>();
  private readonly all: RollupDelta[] = [];

  state(metric: string, interval: AggregationInterval, bucketStartMs: number, dimension: string, dimensionValue: string, withValues: boolean): RollupState {
    return this.nested.getOrCreate([metric, dimension, dimensionValue, bucketStartMs], () => {
      const delta = { key: { metric, interval, bucketStartMs, dimension, dimensionValue }, state: withValues ? emptyValueState() : emptyCountState() };
      this.all.push(delta);
      return delta;
    }).state;
  }

  values(): readonly RollupDelta[] {
    return this.all;
  }
}

class MemberSet {
  private readonly nested = new NestedMap<string | number, Set<string>>();
  /** Each distinct member once, in the order first seen. */
  private readonly all: BucketMember[] = [];

  add(metric: DistinctMetric, interval: AggregationInterval, bucketStartMs: number, member: string): void {
    const members = this.nested.getOrCreate([metric, interval, bucketStartMs], () => new Set<string>());
    if (members.has(member)) return;
    members.add(member);
    this.all.push({ metric, interval, bucketStartMs, member });
  }

  list(): BucketMember[] {
    return this.all.slice();
  }

  /** The members first seen after the first `count`. */
  since(count: number): BucketMember[] {
    return this.all.slice(count);
  }
}
