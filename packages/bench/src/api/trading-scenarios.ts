// The trading routes of issue 17, each read uncached (the API with its query cache off: every
// request reaches PostgreSQL) and cached (a second API with the cache on, primed by one request),
// over the last day and over 30 days. A route this branch does not serve yet answers 404 and is
// reported missing, not failed. The uncached floor is the SQL function the route's reader calls
// (docs: one definition per figure), the cached floor a Redis GET of the key the API wrote.
import { OrderLifecycleRepository, RollupsRepository, type Sql, TradingAnalyticsReader } from "@trading-analytics/core";
import type { CacheHeader, ReadScenario } from "./read-scenarios";

const DAY_MS = 86_400_000;

/** Issue 17's targets, at one connection. */
export const TRADING_TARGETS = { uncachedP99Ms: 50, cachedP99Ms: 5 } as const;

export interface CachedApi {
  /** The Redis key the cached API wrote for the last primed request. */
  primedKey(path: string): Promise<string>;
}

interface TradingRoute {
  /** Scenario name stem: trading_<key>_<range>[_cached]. */
  key: string;
  path: string;
  /** Query string for the range [from, to); the route's own parameters beside it. */
  query: (from: Date, to: Date, days: number) => string;
  /** The statements of the route's one definition, run as the reader runs them. */
  floor: (sql: Sql, from: Date, to: Date) => Promise<unknown>;
  /** Read at one instant, not over a range: one scenario, not one per range. */
  instant?: boolean;
}

const range = (from: Date, to: Date) => `start_time=${from.toISOString()}&end_time=${to.toISOString()}`;

const ROUTES: readonly TradingRoute[] = [
  {
    key: "fill_rate",
    path: "/api/v1/trading/fill-rate",
    query: range,
    floor: (sql, from, to) => new TradingAnalyticsReader(new RollupsRepository(sql), new OrderLifecycleRepository(sql)).orderRates({ interval: "1m", from, to }),
  },
  { key: "orders", path: "/api/v1/trading/orders", query: range, floor: (sql, from, to) => sql`select * from trading_order_figures(${from}, ${to})` },
  { key: "execution", path: "/api/v1/trading/execution", query: range, floor: (sql, from, to) => sql`select * from trading_execution_figures(${from}, ${to})` },
  {
    key: "pnl",
    path: "/api/v1/trading/pnl",
    query: (from, to, days) => `${range(from, to)}&interval=${days > 1 ? "1d" : "1h"}`,
    floor: (sql, from, to) => sql`select * from trading_realized_pnl(${from}, ${to})`,
  },
  {
    key: "positions",
    path: "/api/v1/trading/positions",
    query: (_from, to) => `at=${to.toISOString()}`,
    floor: (sql, _from, to) => Promise.all([sql`select * from trading_open_positions(${to})`, sql`select * from trading_exposure(${to})`]),
    instant: true,
  },
  {
    key: "market_data_health",
    path: "/api/v1/trading/market-data/health",
    query: range,
    floor: (sql, from, to) => Promise.all([sql`select * from market_data_health(${from}, ${to})`, sql`select * from market_data_gaps(${from}, ${to})`]),
  },
  { key: "sessions", path: "/api/v1/trading/sessions", query: range, floor: (sql, from, to) => sql`select * from session_figures(${from}, ${to})` },
];

const RANGES = [
  { label: "1d", days: 1 },
  { label: "30d", days: 30 },
] as const;

/** Every trading scenario: per route and range, uncached then cached. */
export function tradingScenarios(sql: Sql, end: Date, cached: CachedApi): ReadScenario[] {
  const scenarios: ReadScenario[] = [];
  for (const route of ROUTES) {
    for (const { label, days } of route.instant ? [{ label: "now", days: 0 }] : RANGES) {
      const from = new Date(end.getTime() - days * DAY_MS);
      const path = `${route.path}?${route.query(from, end, days)}`;
      const name = `trading_${route.key}_${label}`;
      const title = `${route.path.replace("/api/v1/trading/", "trading/")} ${label}`;
      const uncached: CacheHeader = "BYPASS";
      scenarios.push({
        name,
        title,
        path,
        cache: uncached,
        floor: { kind: "sql", reader: () => route.floor(sql, from, end), optional: true },
        targetP99Ms: TRADING_TARGETS.uncachedP99Ms,
      });
      let key = "";
      scenarios.push({
        name: `${name}_cached`,
        title: `${title}, cached`,
        path,
        api: "cached",
        cache: "HIT",
        floor: { kind: "redis", key: () => key },
        prepare: async () => {
          key = await cached.primedKey(path);
        },
        targetP99Ms: TRADING_TARGETS.cachedP99Ms,
      });
    }
  }
  return scenarios;
}
