import type { AggregationInterval } from "../models/intervals";
import type { Sql } from "./database";

/** The dashboard's headline figures (the reference's /api/v1/dashboard/metrics shape, extended). */
export interface DashboardMetrics {
  /** Distinct users with an event in the last `window_minutes`. */
  active_users: number;
  /** Events per second over the last `window_minutes`. */
  events_per_second: number;
  /** Orders placed today (UTC) so far, one per order_id. */
  orders_placed: number;
  /** Of those, the orders fully filled: never more than orders_placed, partial fills not counted. */
  orders_filled: number;
  /** orders_filled / orders_placed × 100 (trading.order_fill_rate of today), null with nothing placed. */
  order_fill_rate: number | null;
  /** Strategies that placed an order or generated a signal in the last `window_minutes`. */
  active_strategies: number;
  /** Filled notional today (sum of price × quantity of order.filled). */
  total_volume: number;
  /** Mean order.filled latency_ms today; 0 without fills carrying it (a number, as in the seed). */
  average_latency: number;
  /** Of the orders placed today, the share rejected (0..1); 0 with nothing placed (a number, as in the seed). */
  error_rate: number;
  /** The seed's free-form figures: events of each active custom event type in the last `window_minutes` ({} when none). */
  custom_metrics: Record<string, number>;
  window_minutes: number;
  /**
   * How current the figures are: every event stored before it is in the rollups read. The
   * reading time when nothing waits; else when the oldest event not yet folded was received,
   * so it stops moving while aggregation is stalled.
   */
  last_updated: string;
}

interface DashboardRow {
  active_users: string;
  events_per_second: number;
  orders_placed: string;
  orders_filled: string;
  order_fill_rate: number | null;
  active_strategies: string;
  total_volume: number;
  average_latency: number;
  error_rate: number;
  custom_metrics: Record<string, string | number>;
  window_minutes: number;
  last_updated: Date;
}

/**
 * The dashboard figures from rollups and the order lifecycle alone (so a flushed cache is
 * rebuilt exactly), computed by dashboard_metrics_at() (migration 0020): the one
 * implementation, which the dashboard_metrics view reads too.
 */
export class DashboardMetricsReader {
  constructor(
    private readonly sql: Sql,
    private readonly interval: AggregationInterval,
    private readonly windowMinutes = 5,
  ) {}

  async read(now = new Date()): Promise<DashboardMetrics> {
    const [row] = await this.sql<DashboardRow[]>`
      select active_users::text, events_per_second, orders_placed::text, orders_filled::text, order_fill_rate,
             active_strategies::text, total_volume, average_latency, error_rate, custom_metrics, window_minutes, last_updated
      from dashboard_metrics_at(${now}, ${this.interval}, ${this.windowMinutes})`;
    const figures = row!;
    return {
      active_users: Number(figures.active_users),
      events_per_second: figures.events_per_second,
      orders_placed: Number(figures.orders_placed),
      orders_filled: Number(figures.orders_filled),
      order_fill_rate: figures.order_fill_rate,
      active_strategies: Number(figures.active_strategies),
      total_volume: figures.total_volume,
      average_latency: figures.average_latency,
      error_rate: figures.error_rate,
      custom_metrics: Object.fromEntries(Object.entries(figures.custom_metrics).map(([name, count]) => [name, Number(count)])),
      window_minutes: figures.window_minutes,
      last_updated: figures.last_updated.toISOString(),
    };
  }
}
