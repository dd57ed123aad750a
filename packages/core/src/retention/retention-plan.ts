import { AGGREGATION_INTERVALS, type AggregationInterval } from "../models/intervals";
import { KIND_OF_INTERVAL, type RetentionKind, type RetentionPolicy } from "./retention-policy";

/** One leaf partition as the catalog describes it (see RetentionRepository.listPartitions). */
export interface StoredPartition {
  /** The partitioned table it belongs to: events, metric_rollups or rollup_members. */
  table: string;
  name: string;
  /** Its direct parent: the table itself, or a kind of rollups (metric_rollups_minute). */
  parent: string;
  /** The parent's own bound when the parent is a partition: "FOR VALUES IN ('1m', '5m', '15m')". */
  parentBound: string | null;
  /** Range bounds [from, to); null for a DEFAULT partition or a bound that is not a time range. */
  from: Date | null;
  to: Date | null;
  isDefault: boolean;
  /** Its parent also has a DEFAULT partition (then it cannot be detached CONCURRENTLY). */
  parentHasDefault: boolean;
  /** A DETACH ... CONCURRENTLY started and did not finish (interrupted): FINALIZE completes it. */
  detachPending: boolean;
  bytes: number;
}

/** How a partition leaves: without blocking readers of its table, or by a short exclusive lock. */
export type DropMethod = "detach_concurrently" | "drop";

export interface ExpiredPartition extends StoredPartition {
  kind: RetentionKind;
  /** Rows older than this are past retention; the partition's upper bound is at or before it. */
  cutoff: Date;
  method: DropMethod;
}

export interface RetentionPlan {
  now: Date;
  /** Per kind: data older than this goes. */
  cutoffs: Readonly<Record<RetentionKind, Date>>;
  /** Oldest first within each table. */
  expired: ExpiredPartition[];
  /** Partitions of the tables retention manages that stay (live, default or unclassified). */
  kept: number;
  /** Partitions whose kind could not be told (a list bound naming an unknown interval): never dropped. */
  unclassified: StoredPartition[];
}

const RAW_EVENT_TABLES = new Set(["events"]);
const ROLLUP_TABLES = new Set(["metric_rollups", "rollup_members"]);

/**
 * Which partitions are past retention at `now`: those whose every row is older than their
 * kind's retention (upper bound at or before now - retention). DEFAULT partitions and anything
 * whose kind is unknown are never dropped.
 */
export function planRetention(partitions: readonly StoredPartition[], policy: RetentionPolicy, now: Date): RetentionPlan {
  const cutoffs = cutoffsAt(policy, now);
  const expired: ExpiredPartition[] = [];
  const unclassified: StoredPartition[] = [];
  for (const partition of partitions) {
    if (partition.isDefault) continue;
    const kind = kindOf(partition, policy);
    if (kind === undefined) {
      unclassified.push(partition);
      continue;
    }
    const cutoff = cutoffs[kind];
    if (partition.to !== null && partition.to.getTime() <= cutoff.getTime()) {
      expired.push({ ...partition, kind, cutoff, method: dropMethod(partition) });
    }
  }
  expired.sort((a, b) => a.table.localeCompare(b.table) || (a.from?.getTime() ?? 0) - (b.from?.getTime() ?? 0) || a.name.localeCompare(b.name));
  return { now, cutoffs, expired, kept: partitions.length - expired.length, unclassified };
}

export function cutoffsAt(policy: RetentionPolicy, now: Date): Record<RetentionKind, Date> {
  const at = (ms: number) => new Date(now.getTime() - ms);
  return {
    raw_events: at(policy.raw_events),
    minute_aggregates: at(policy.minute_aggregates),
    hour_aggregates: at(policy.hour_aggregates),
    daily_aggregates: at(policy.daily_aggregates),
  };
}

/**
 * The kind whose retention governs a partition. A rollup kind's intervals come from its parent's
 * list bound; should one list mix kinds, the longest retention among them wins (keep, not lose).
 */
export function kindOf(partition: StoredPartition, policy: RetentionPolicy): RetentionKind | undefined {
  if (RAW_EVENT_TABLES.has(partition.table)) return "raw_events";
  if (!ROLLUP_TABLES.has(partition.table) || partition.parentBound === null) return undefined;
  const intervals = parseListBound(partition.parentBound);
  if (intervals === undefined || intervals.length === 0) return undefined;
  let longest: RetentionKind | undefined;
  for (const interval of intervals) {
    if (!isInterval(interval)) return undefined;
    const kind = KIND_OF_INTERVAL[interval];
    if (longest === undefined || policy[kind] > policy[longest]) longest = kind;
  }
  return longest;
}

function dropMethod(partition: StoredPartition): DropMethod {
  return partition.detachPending || !partition.parentHasDefault ? "detach_concurrently" : "drop";
}

/** The values of "FOR VALUES IN ('1m', '5m', '15m')"; undefined for any other bound. */
export function parseListBound(bound: string): string[] | undefined {
  const match = /^FOR VALUES IN \((.*)\)$/.exec(bound.trim());
  if (!match) return undefined;
  const values: string[] = [];
  // Quoted literals, '' standing for a quote inside one.
  const literal = /\s*'((?:[^']|'')*)'\s*(,|$)/y;
  const list = match[1]!;
  while (literal.lastIndex < list.length) {
    const item = literal.exec(list);
    if (!item) return undefined;
    values.push(item[1]!.replace(/''/g, "'"));
  }
  return values;
}

function isInterval(value: string): value is AggregationInterval {
  return (AGGREGATION_INTERVALS as readonly string[]).includes(value);
}
