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
  const finest = new DeltaMap();
  const members = new Map<string, BucketMember>();
  const late: FoldableEvent[] = [];
  const interval = plan.finestInterval;

  for (const event of events) {
    if (event.receivedAtMs - event.timeMs > plan.allowedLatenessMs) {
      late.push(event);
      continue;
    }
    const bucket = bucketStart(event.timeMs, interval);
    const breakdowns = breakdownsOf(event, plan);
    for (const [dimension, dimensionValue] of breakdowns) {
      countOne(finest.state({ metric: countMetric(event.eventType), interval, bucketStartMs: bucket, dimension, dimensionValue }, false));
    }
    for (const measure of plan.measures) {
      const value = measure.valueOf(event.properties);
      if (value === undefined) continue;
      const point = { timeMs: event.timeMs, eventId: event.eventId, value };
      const metric = measureMetric(measure.name, event.eventType);
      for (const [dimension, dimensionValue] of breakdowns) {
        observe(finest.state({ metric, interval, bucketStartMs: bucket, dimension, dimensionValue }, true), point);
      }
    }
    for (const every of plan.intervals) {
      const bucketStartMs = bucketStart(event.timeMs, every);
      if (event.userId) addMember(members, { metric: DISTINCT_METRICS.activeUsers, interval: every, bucketStartMs, member: event.userId });
      if (event.sessionId) addMember(members, { metric: DISTINCT_METRICS.activeSessions, interval: every, bucketStartMs, member: event.sessionId });
    }
  }

  const all = new DeltaMap();
  for (const delta of finest.values()) all.put(delta);
  for (const coarser of plan.intervals.slice(1)) {
    for (const { key, state } of finest.values()) {
      const coarse = { ...key, interval: coarser, bucketStartMs: bucketStart(key.bucketStartMs, coarser) };
      mergeInto(all.state(coarse, state.sketch !== null), state);
    }
  }
  return { deltas: [...all.values()], members: [...members.values()], late, folded: events.length - late.length };
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

function addMember(members: Map<string, BucketMember>, member: BucketMember): void {
  const id = `${member.metric}|${member.interval}|${member.bucketStartMs}|${member.member}`;
  if (!members.has(id)) members.set(id, member);
}

class DeltaMap {
  private readonly byKey = new Map<string, RollupDelta>();

  state(key: RollupKey, withValues: boolean): RollupState {
    const id = rollupKeyString(key);
    let delta = this.byKey.get(id);
    if (!delta) {
      delta = { key, state: withValues ? emptyValueState() : emptyCountState() };
      this.byKey.set(id, delta);
    }
    return delta.state;
  }

  put(delta: RollupDelta): void {
    this.byKey.set(rollupKeyString(delta.key), delta);
  }

  values(): IterableIterator<RollupDelta> {
    return this.byKey.values();
  }
}
