import { type AggregationInterval, bucketStart, INTERVAL_MS } from "../models/intervals";
import { countMetric, DISTINCT_METRICS, measureMetric, OVERALL } from "../rollups/metric-names";
import type { Sql } from "./database";

/** The dashboard's headline figures (the reference's /api/v1/dashboard/metrics shape, extended). */
export interface DashboardMetrics {
  /** Distinct users with an event in the last `window_minutes`. */
  active_users: number;
  /** Events per second over the last `window_minutes`. */
  events_per_second: number;
  /** Today (UTC) so far. */
  orders_placed: number;
  orders_filled: number;
  /** Strategies that placed an order or generated a signal in the last `window_minutes`. */
  active_strategies: number;
  /** Filled notional today (sum of price × quantity of order.filled). */
  total_volume: number;
  /** Mean order.filled latency_ms today, null without fills carrying it. */
  average_latency: number | null;
  /** order.rejected / order.placed today, null with nothing placed. */
  error_rate: number | null;
  window_minutes: number;
  /**
   * How current the figures are: every event stored before it is in the rollups read. The
   * reading time when nothing waits; else when the oldest event not yet folded was received,
   * so it stops moving while aggregation is stalled.
   */
  last_updated: string;
}

const DAY_METRICS = {
  placed: countMetric("order.placed"),
  filled: countMetric("order.filled"),
  rejected: countMetric("order.rejected"),
  notional: measureMetric("notional", "order.filled"),
  latency: measureMetric("latency_ms", "order.filled"),
};

/** Computes the dashboard figures from rollups alone (so a flushed cache is rebuilt exactly). */
export class DashboardMetricsReader {
  constructor(
    private readonly sql: Sql,
    private readonly interval: AggregationInterval,
    private readonly windowMinutes = 5,
  ) {}

  async read(now = new Date()): Promise<DashboardMetrics> {
    const { sql, interval } = this;
    const nowMs = now.getTime();
    const windowStart = new Date(bucketStart(nowMs - this.windowMinutes * 60_000, interval));
    const dayStart = new Date(bucketStart(nowMs, "1d"));
    const windowSeconds = Math.max(1, (nowMs - windowStart.getTime()) / 1000);

    const [recent] = await sql<{ users: string; events: string; strategies: string }[]>`
      select
        (select count(distinct member) from rollup_members
          where metric_name = ${DISTINCT_METRICS.activeUsers} and interval = ${interval} and bucket_start >= ${windowStart})::text as users,
        (select coalesce(sum(count), 0) from metric_rollups
          where interval = ${interval} and dimension = ${OVERALL} and metric_name like 'events.count.%' and bucket_start >= ${windowStart})::text as events,
        (select count(distinct dimension_value) from metric_rollups
          where interval = ${interval} and dimension = 'strategy' and bucket_start >= ${windowStart}
            and metric_name in (${countMetric("order.placed")}, ${countMetric("signal.generated")}))::text as strategies`;
    const today = await sql<{ metric_name: string; count: string; sum: number }[]>`
      select metric_name, sum(count)::text as count, sum(sum) as sum from metric_rollups
      where interval = ${interval} and dimension = ${OVERALL} and bucket_start >= ${dayStart}
        and bucket_start < ${new Date(dayStart.getTime() + INTERVAL_MS["1d"])}
        and metric_name in ${sql(Object.values(DAY_METRICS))}
      group by metric_name`;
    const day = (metric: string) => {
      const row = today.find((r) => r.metric_name === metric);
      return { count: Number(row?.count ?? 0), sum: row?.sum ?? 0 };
    };
    // The first event at the aggregation cursor (cheap on the write_xid index).
    const [waiting] = await sql<{ created_at: Date }[]>`
      select created_at from events
      where write_xid >= (select next_xid from aggregation_cursors where name = 'rollups')
      order by write_xid limit 1`;
    const placed = day(DAY_METRICS.placed).count;
    const latency = day(DAY_METRICS.latency);
    return {
      active_users: Number(recent!.users),
      events_per_second: Number(recent!.events) / windowSeconds,
      orders_placed: placed,
      orders_filled: day(DAY_METRICS.filled).count,
      active_strategies: Number(recent!.strategies),
      total_volume: day(DAY_METRICS.notional).sum,
      average_latency: latency.count === 0 ? null : latency.sum / latency.count,
      error_rate: placed === 0 ? null : day(DAY_METRICS.rejected).count / placed,
      window_minutes: this.windowMinutes,
      last_updated: new Date(Math.min(nowMs, waiting?.created_at.getTime() ?? nowMs)).toISOString(),
    };
  }
}
