// Redis names shared between apps (they coordinate only through Kafka, PostgreSQL and Redis).

/** Published to whenever a custom event definition changes, so ingesters reload at once. */
export function customEventsChangedChannel(prefix: string): string {
  return `${prefix}custom-events:changed`;
}

/**
 * Real-time counters the ingester writes and the dashboard reads. Windows are by receipt
 * time (what "now" means to a dashboard), in UTC epoch seconds or minutes.
 */
export const realtimeKeys = {
  /** Hash event_type → events received in that second. */
  eventsPerSecond: (prefix: string, epochSecond: number) => `${prefix}rt:events:${epochSecond}`,
  /** HyperLogLog of user ids seen in that minute. */
  activeUsers: (prefix: string, epochMinute: number) => `${prefix}rt:users:${epochMinute}`,
  /** Hash orders_placed, orders_filled, filled_quantity, filled_notional for that minute. */
  trading: (prefix: string, epochMinute: number) => `${prefix}rt:trading:${epochMinute}`,
  /** Hash rejection reason → messages dead-lettered in that minute. */
  deadLetters: (prefix: string, epochMinute: number) => `${prefix}rt:dead-letters:${epochMinute}`,
  /** Set of strategy ids started and not stopped since. */
  activeStrategies: (prefix: string) => `${prefix}rt:strategies:active`,
};

export const REALTIME_TTL_SECONDS = { perSecond: 2 * 60 * 60, perMinute: 25 * 60 * 60 };

/** JSON of the dashboard metrics, rebuilt from rollups by the aggregator (see DashboardMetricsReader). */
export function dashboardMetricsKey(prefix: string): string {
  return `${prefix}dashboard:metrics`;
}

/**
 * A counter the aggregator bumps after every committed cycle that changed rollups. The query-api
 * puts it in cache keys of results over ranges that may still change, so a fold invalidates them.
 */
export function rollupsVersionKey(prefix: string): string {
  return `${prefix}rollups:version`;
}
