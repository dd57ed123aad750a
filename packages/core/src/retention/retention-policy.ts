import type { Config } from "../config";
import type { AggregationInterval } from "../models/intervals";

/** The data kinds of analytics.retention, each with its own retention. */
export const RETENTION_KINDS = ["raw_events", "minute_aggregates", "hour_aggregates", "daily_aggregates"] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** How long each kind is kept, in milliseconds. */
export type RetentionPolicy = Readonly<Record<RetentionKind, number>>;

/** Which kind's retention applies to the rollups (and rollup members) of each interval. */
export const KIND_OF_INTERVAL: Readonly<Record<AggregationInterval, RetentionKind>> = {
  "1m": "minute_aggregates",
  "5m": "minute_aggregates",
  "15m": "minute_aggregates",
  "1h": "hour_aggregates",
  "1d": "daily_aggregates",
};

export function retentionPolicy(retention: Config["analytics"]["retention"]): RetentionPolicy {
  return {
    raw_events: retention.raw_events,
    minute_aggregates: retention.minute_aggregates,
    hour_aggregates: retention.hour_aggregates,
    daily_aggregates: retention.daily_aggregates,
  };
}
