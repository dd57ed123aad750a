import type { RetentionKind } from "./retention-policy";

// The plan itself is SQL (migrations/0018: retention_plan, retention_kind): one implementation
// for the scheduled job, the CLI and `SELECT cleanup_old_data()`. These are its shapes in TypeScript.

/** One leaf partition as the catalog describes it (retention_partitions()). */
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

/** A partition past its kind's retention, as cleanup_old_data() reports it. */
export interface ExpiredPartition {
  table: string;
  name: string;
  parent: string;
  from: Date | null;
  to: Date | null;
  kind: RetentionKind;
  method: DropMethod;
  detachPending: boolean;
  bytes: number;
}

export interface RetentionPlan {
  /** The database's clock the run planned against. */
  now: Date;
  /** Per kind: data older than this goes. */
  cutoffs: Readonly<Record<RetentionKind, Date>>;
  /** Partitions of the tables retention manages that stay (live, default or unclassified). */
  kept: number;
  /** Names of partitions whose kind could not be told (a list bound naming an unknown interval): never dropped. */
  unclassified: string[];
}
