// Rollup metric names. Event types contain dots, so the event type always comes last:
//   events.count.<event type>              how many events of that type (count only)
//   events.<measure>.<event type>          a numeric measure of that type's events:
//                                          count, sum, avg, min, max, p50/p95/p99, open, close
//   users.active / sessions.active         distinct user_id / session_id seen (exact)

export const DISTINCT_METRICS = {
  activeUsers: "users.active",
  activeSessions: "sessions.active",
} as const;

export type DistinctMetric = (typeof DISTINCT_METRICS)[keyof typeof DISTINCT_METRICS];

/** The dimension of a metric's overall series (no breakdown). */
export const OVERALL = "";

export function countMetric(eventType: string): string {
  return `events.count.${eventType}`;
}

export function measureMetric(measure: string, eventType: string): string {
  return `events.${measure}.${eventType}`;
}

/** Count metrics (events.count.*, distinct members) have only a count; measures have values. */
export function isCountOnlyMetric(metric: string): boolean {
  return metric.startsWith("events.count.") || (Object.values(DISTINCT_METRICS) as string[]).includes(metric);
}
