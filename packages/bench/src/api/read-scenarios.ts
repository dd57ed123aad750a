// The read requests the bench loads the API with, each with its floor: the same work done
// without the API (the statements its core reader sends to PostgreSQL, or a Redis GET).
import {
  DashboardMetricsReader,
  EventStatsReader,
  EventsRepository,
  MetricSeriesReader,
  type MetricSeriesQuery,
  type RedisClient,
  RollupsRepository,
  sortIntervals,
  type Sql,
  type Config,
} from "@trading-analytics/core";
import type { DashboardKeyRefresher } from "./dashboard-key";
import { type CachedApi, tradingScenarios } from "./trading-scenarios";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export type CacheHeader = "HIT" | "MISS" | "BYPASS";

export type Floor =
  /** A GET of the key (known once the scenario is prepared). */
  | { kind: "redis"; key: () => string }
  /**
   * Runs the core reader the route uses, once, so its statements can be recorded. Optional: the
   * statements may not exist in this schema yet (another branch's SQL function), then no floor.
   */
  | { kind: "sql"; reader: () => Promise<unknown>; optional?: boolean };

export interface ReadScenario {
  /** Key in RESULT: dashboard_cached, metrics_30d_1m, … */
  name: string;
  title: string;
  path: string;
  /** The X-Cache header every response must carry (none for routes without a cache). */
  cache?: CacheHeader;
  /** Served by the API with its query cache on (default: the one with it off). */
  api?: "cached";
  /** The p99 target at one connection, judged in the report beside the fixed targets. */
  targetP99Ms?: number;
  floor: Floor;
  /** Puts Redis in the state the scenario needs (dashboard figures present or absent). */
  prepare?: () => Promise<void>;
  /** Undoes prepare once the scenario has run. */
  finish?: () => Promise<void>;
}

export interface ScenarioContext {
  sql: Sql;
  redis: RedisClient;
  config: Config;
  dashboard: DashboardKeyRefresher;
  /** The API with its query cache on, for the cached trading scenarios. */
  cached: CachedApi;
  nowMs: number;
}

export const COUNT_METRIC = "events.count.order.filled";
export const MEASURE_METRIC = "events.price.order.filled";

export function readScenarios({ sql, config, dashboard, cached, nowMs }: ScenarioContext): ReadScenario[] {
  const intervals = sortIntervals(config.analytics.aggregation.intervals);
  const series = new MetricSeriesReader(sql, new RollupsRepository(sql), intervals);
  const end = new Date(Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
  const dayAgo = new Date(end.getTime() - DAY_MS);
  const monthAgo = new Date(end.getTime() - 30 * DAY_MS);
  const range = (from: Date) => `start_time=${from.toISOString()}&end_time=${end.toISOString()}`;

  const metrics = (name: string, title: string, query: MetricSeriesQuery): ReadScenario => ({
    name,
    title,
    path: `/api/v1/metrics?metric_name=${query.metric}&interval=${query.interval}&${range(query.from)}`,
    cache: "BYPASS",
    // The route reads the points and the summary at once (one series, no dimension).
    floor: { kind: "sql", reader: () => Promise.all([series.pointsJson(query), series.summary(query)]) },
  });

  return [
    {
      name: "dashboard_cached",
      title: "dashboard, figures in Redis",
      path: "/api/v1/dashboard/metrics",
      cache: "HIT",
      floor: { kind: "redis", key: () => dashboard.key },
      prepare: () => dashboard.start(1000),
      finish: () => dashboard.stop(),
    },
    {
      name: "dashboard_uncached",
      title: "dashboard, computed from rollups",
      path: "/api/v1/dashboard/metrics",
      cache: "MISS",
      floor: { kind: "sql", reader: () => new DashboardMetricsReader(sql, intervals[0]!).read() },
      prepare: () => dashboard.remove(),
    },
    {
      name: "events_query",
      title: "events, type filter, limit 100",
      path: "/api/v1/events?event_type=order.filled&limit=100",
      // The route asks for one row more than the page, to tell whether another page exists.
      floor: {
        kind: "sql",
        reader: () => new EventsRepository(sql).findPage({ start: new Date(Date.now() - DAY_MS), end: new Date(), eventType: "order.filled", properties: {}, limit: 100 }),
      },
    },
    metrics("metrics_30d_1m", `metrics 30 d @1m, ${COUNT_METRIC}`, { metric: COUNT_METRIC, interval: "1m", from: monthAgo, to: end }),
    metrics("metrics_30d_1m_measure", `metrics 30 d @1m, ${MEASURE_METRIC}`, { metric: MEASURE_METRIC, interval: "1m", from: monthAgo, to: end }),
    metrics("metrics_1d_1h", `metrics 1 d @1h, ${MEASURE_METRIC}`, { metric: MEASURE_METRIC, interval: "1h", from: dayAgo, to: end }),
    {
      name: "stats_1d",
      title: "event stats over 1 day",
      path: `/api/v1/events/stats?${range(dayAgo)}`,
      cache: "BYPASS",
      floor: { kind: "sql", reader: () => new EventStatsReader(sql).stats(dayAgo, end) },
    },
    ...tradingScenarios(sql, end, cached),
  ];
}
