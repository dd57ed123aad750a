import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "@trading-analytics/core";
import type { TestDatabase } from "@trading-analytics/core/testing";
import { TEST_PLAN } from "./aggregator-fixture";

const LATENESS = `${TEST_PLAN.allowedLatenessMs} milliseconds`;

/** A market.data.update at timeMs, stored 20 ms later unless told. */
export function quoteUpdate(timeMs: number, properties: Record<string, unknown>, receivedAtMs = timeMs + 20): AnalyticsEvent {
  return { eventId: randomUUID(), eventType: "market.data.update", userId: null, sessionId: null, properties, timestamp: new Date(timeMs), receivedAt: new Date(receivedAtMs), source: null };
}

export interface HealthFigures {
  symbol: string;
  updates: number;
  usual_interval_ms: number | null;
  gaps: number;
  longest_gap_ms: number | null;
  spread_p50_bps: number | null;
  spread_p95_bps: number | null;
}

/** Market-data health with plain SQL over the stored events the fold takes: window functions, exact ranks. */
export async function exactHealthFigures(db: TestDatabase, from: Date, to: Date, gapFactor: number): Promise<HealthFigures[]> {
  return db.sql<HealthFigures[]>`
    with folded as (
      select properties->>'symbol' as symbol, date_trunc('milliseconds', "timestamp") as t, id,
             (properties->>'bid')::float8 as bid, (properties->>'ask')::float8 as ask
      from events where event_type = 'market.data.update' and created_at - "timestamp" <= ${LATENESS}::interval
    ),
    quotes as materialized (
      select symbol, t, extract(epoch from t - lag(t) over (partition by symbol order by t, id)) * 1000 as interval_ms,
             case when bid > 0 and ask >= bid then (ask - bid) / ((ask + bid) / 2) * 10000 end as spread_bps
      from folded
    ),
    in_range as materialized (select * from quotes where t >= ${from} and t < ${to}),
    ranked_intervals as materialized (
      select symbol, interval_ms, row_number() over (partition by symbol order by interval_ms) - 1 as rank, count(*) over (partition by symbol) as n
      from in_range where interval_ms > 0
    ),
    ranked_spreads as materialized (
      select symbol, spread_bps, row_number() over (partition by symbol order by spread_bps) - 1 as rank, count(*) over (partition by symbol) as n
      from in_range where spread_bps is not null
    ),
    usual as materialized (select symbol, interval_ms as usual_interval_ms from ranked_intervals where rank = floor(0.5 * (n - 1)))
    select r.symbol, count(*)::int as updates, u.usual_interval_ms::float8,
           count(*) filter (where r.interval_ms > ${gapFactor} * u.usual_interval_ms)::int as gaps,
           (max(r.interval_ms) filter (where r.interval_ms > ${gapFactor} * u.usual_interval_ms))::float8 as longest_gap_ms,
           (select s.spread_bps from ranked_spreads s where s.symbol = r.symbol and s.rank = floor(0.5 * (s.n - 1))) as spread_p50_bps,
           (select s.spread_bps from ranked_spreads s where s.symbol = r.symbol and s.rank = floor(0.95 * (s.n - 1))) as spread_p95_bps
    from in_range r left join usual u using (symbol)
    group by r.symbol, u.usual_interval_ms order by r.symbol`;
}

/** market_data_health(), the one definition the API, Grafana and psql read. */
export async function storedHealthFigures(db: TestDatabase, from: Date, to: Date, gapFactor: number): Promise<HealthFigures[]> {
  return db.sql<HealthFigures[]>`
    select symbol, updates::int, usual_interval_ms, gaps::int, longest_gap_ms, spread_p50_bps, spread_p95_bps
    from market_data_health(${from}, ${to}, ${gapFactor}::float8) order by symbol`;
}

/**
 * What differs between the stored and the exact figures: counts, gaps and the longest gap must be
 * equal; the binned percentiles within 1 % of the exact value at the same rank. Empty when they agree.
 */
export function healthDifferences(stored: HealthFigures[], exact: HealthFigures[]): string[] {
  const differences: string[] = [];
  const symbols = (rows: HealthFigures[]) => rows.map((row) => row.symbol).join(",");
  if (symbols(stored) !== symbols(exact)) return [`symbols: stored ${symbols(stored)}, exact ${symbols(exact)}`];
  stored.forEach((row, i) => {
    const want = exact[i]!;
    for (const key of ["updates", "gaps", "longest_gap_ms"] as const) {
      if (row[key] !== want[key]) differences.push(`${row.symbol} ${key}: stored ${row[key]}, exact ${want[key]}`);
    }
    for (const key of ["usual_interval_ms", "spread_p50_bps", "spread_p95_bps"] as const) {
      const [got, value] = [row[key], want[key]];
      const close = got === null || value === null ? got === value : Math.abs(got - value) <= 0.0100001 * value;
      if (!close) differences.push(`${row.symbol} ${key}: stored ${got}, exact ${value}`);
    }
  });
  return differences;
}
