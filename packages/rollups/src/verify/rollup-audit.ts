import { INTERVAL_MS, type Sql } from "@trading-analytics/core";
import type { RollupPlanOptions } from "../domain/rollup-plan";
import { auditExecution, type ExecutionMismatch } from "./execution-audit";
import { auditMarketQuotes, type QuoteMismatch } from "./market-quotes-audit";
import { auditOrderLifecycle, type OrderMismatch } from "./order-lifecycle-audit";
import { auditPositions, type PositionMismatch } from "./positions-audit";
import { auditUserSessions, type SessionMismatch } from "./user-sessions-audit";

export interface RollupMismatch {
  metric: string;
  interval: string;
  bucket: string;
  dimension: string;
  dimensionValue: string;
  stored: { count: number | null; sum: number | null; min: number | null; max: number | null };
  exact: { count: number | null; sum: number | null; min: number | null; max: number | null };
}

export type AuditMismatch = RollupMismatch | OrderMismatch | QuoteMismatch | SessionMismatch | ExecutionMismatch | PositionMismatch;

export interface RollupAudit {
  /** Rollup rows and the rows of order_analytics, market_quotes, user_sessions, execution quality and positions compared. */
  rowsCompared: number;
  mismatches: AuditMismatch[];
  /** Worst relative error of stored p50/p95/p99 against the exact value at the same rank. */
  maxPercentileRelError: number;
}

/** Sums are IEEE doubles added in another order than SQL's: equal within this relative error. */
const SUM_TOLERANCE = 1e-9;

/**
 * Recomputes every rollup with plain SQL over the stored events (GROUP BY over date_bin, no
 * code shared with the aggregator) and compares: count, sum, min, max per metric, interval,
 * bucket and breakdown, active users/sessions as count(distinct), and each percentile against
 * the exact value at the sketch's rank, floor(q × (n − 1)). Events the aggregator set aside
 * (set_aside_events) are left out of the exact side too: they are not in the rollups by design.
 * The order lifecycle (order_analytics) is audited the same way, one GROUP BY order_id,
 * market_quotes row by row against the market data updates, the sessions (user_sessions) with
 * one GROUP BY user_id, session_id, execution quality's marks (arrival prices, order_fills) with
 * a quote lookup over the market data events, and positions with one GROUP BY position_id.
 */
export async function auditRollups(sql: Sql, plan: RollupPlanOptions): Promise<RollupAudit> {
  const intervals = JSON.stringify(plan.intervals.map((name) => ({ name, ms: INTERVAL_MS[name] })));
  const dimensions = JSON.stringify(
    plan.dimensions.flatMap((d) => d.event_types.map((pattern) => ({ name: d.name, prop: d.property, pattern: likePattern(pattern) }))),
  );
  const measures = JSON.stringify(plan.measures.map((m) => ("property" in m ? { name: m.name, a: m.property, b: null } : { name: m.name, a: m.product[0], b: m.product[1] })));
  const lateness = `${plan.allowedLatenessMs} milliseconds`;

  const rows = await sql.unsafe<Array<{
    metric: string; interval: string; bucket: Date; dimension: string; dimension_value: string;
    r_count: string | null; r_sum: number | null; r_min: number | null; r_max: number | null;
    x_count: string | null; x_sum: number | null; x_min: number | null; x_max: number | null;
    r_p: number[] | null; x_p: number[] | null;
  }>>(
    `with i as (select name, (ms || ' milliseconds')::interval as width from jsonb_to_recordset($1::text::jsonb) as x(name text, ms bigint)),
     d as (select * from jsonb_to_recordset($2::text::jsonb) as x(name text, prop text, pattern text)),
     m as (select * from jsonb_to_recordset($3::text::jsonb) as x(name text, a text, b text)),
     ev as (select * from events where created_at - "timestamp" <= $4::interval
              and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")),
     breakdown as (
       select ev.*, ''::text as dimension, ''::text as dimension_value from ev
       union all
       select distinct on (ev.id, d.name) ev.*, d.name, ev.properties->>d.prop
       from ev join d on ev.event_type like d.pattern
       where jsonb_typeof(ev.properties->d.prop) in ('string', 'number') and ev.properties->>d.prop <> ''
     ),
     measured as (
       select b.*, m.name as measure,
              case when m.b is null then (b.properties->>m.a)::float8
                   else (b.properties->>m.a)::float8 * (b.properties->>m.b)::float8 end as v
       from breakdown b join m on jsonb_typeof(b.properties->m.a) = 'number'
                              and (m.b is null or jsonb_typeof(b.properties->m.b) = 'number')
     ),
     exact as (
       select 'events.count.' || event_type as metric, i.name as interval, date_bin(i.width, "timestamp", 'epoch') as bucket,
              dimension, dimension_value, count(*) as c, null::float8 as s, null::float8 as mn, null::float8 as mx, null::float8[] as p
       from breakdown cross join i group by 1, 2, 3, 4, 5
       union all
       select 'events.' || measure || '.' || event_type, i.name, date_bin(i.width, "timestamp", 'epoch'),
              dimension, dimension_value, count(*), sum(v), min(v), max(v),
              array[(array_agg(v order by v))[floor(0.5 * (count(*) - 1))::int + 1],
                    (array_agg(v order by v))[floor(0.95 * (count(*) - 1))::int + 1],
                    (array_agg(v order by v))[floor(0.99 * (count(*) - 1))::int + 1]]
       from measured cross join i group by 1, 2, 3, 4, 5
       union all
       select 'users.active', i.name, date_bin(i.width, "timestamp", 'epoch'), '', '', count(distinct user_id), null, null, null, null
       from ev cross join i where user_id is not null group by 1, 2, 3
       union all
       select 'sessions.active', i.name, date_bin(i.width, "timestamp", 'epoch'), '', '', count(distinct session_id), null, null, null, null
       from ev cross join i where session_id is not null group by 1, 2, 3
     )
     select coalesce(x.metric, r.metric_name) as metric, coalesce(x.interval, r.interval) as interval,
            coalesce(x.bucket, r.bucket_start) as bucket, coalesce(x.dimension, r.dimension) as dimension,
            coalesce(x.dimension_value, r.dimension_value) as dimension_value,
            r.count::text as r_count, r.sum as r_sum, r.min as r_min, r.max as r_max,
            x.c::text as x_count, x.s as x_sum, x.mn as x_min, x.mx as x_max,
            case when r.sketch is null then null else array[r.p50, r.p95, r.p99] end as r_p, x.p as x_p
     from exact x
     full join (select * from metric_rollups where interval in (select name from i)) r
       on r.metric_name = x.metric and r.interval = x.interval and r.bucket_start = x.bucket
      and r.dimension = x.dimension and r.dimension_value = x.dimension_value`,
    [intervals, dimensions, measures, lateness],
  );

  const orders = await auditOrderLifecycle(sql, plan.allowedLatenessMs);
  const quotes = await auditMarketQuotes(sql, plan.allowedLatenessMs);
  const sessions = await auditUserSessions(sql, plan.allowedLatenessMs);
  const execution = await auditExecution(sql, plan.allowedLatenessMs);
  const positions = await auditPositions(sql, plan.allowedLatenessMs);
  const mismatches: AuditMismatch[] = [];
  let maxPercentileRelError = 0;
  for (const row of rows) {
    const stored = { count: num(row.r_count), sum: row.r_sum, min: row.r_min, max: row.r_max };
    const exact = { count: num(row.x_count), sum: row.x_sum, min: row.x_min, max: row.x_max };
    const valued = exact.sum !== null;
    const same =
      stored.count === exact.count &&
      (!valued || (stored.min === exact.min && stored.max === exact.max && closeEnough(stored.sum, exact.sum)));
    if (!same) {
      mismatches.push({ metric: row.metric, interval: row.interval, bucket: row.bucket.toISOString(), dimension: row.dimension, dimensionValue: row.dimension_value, stored, exact });
    }
    if (row.r_p && row.x_p) {
      row.x_p.forEach((exactValue, index) => {
        const storedValue = row.r_p![index]!;
        const error = exactValue === 0 ? Math.abs(storedValue) : Math.abs(storedValue - exactValue) / Math.abs(exactValue);
        maxPercentileRelError = Math.max(maxPercentileRelError, error);
      });
    }
  }
  mismatches.push(...orders.mismatches, ...quotes.mismatches, ...sessions.mismatches, ...execution.mismatches, ...positions.mismatches);
  const compared = orders.rowsCompared + quotes.rowsCompared + sessions.rowsCompared + execution.rowsCompared + positions.rowsCompared;
  return { rowsCompared: rows.length + compared, mismatches, maxPercentileRelError };
}

function likePattern(pattern: string): string {
  const escaped = pattern.replace(/[\\%_]/g, (c) => `\\${c}`);
  return escaped.endsWith(".*") ? `${escaped.slice(0, -1)}%` : escaped;
}

function num(text: string | null): number | null {
  return text === null ? null : Number(text);
}

function closeEnough(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= SUM_TOLERANCE * Math.max(1, Math.abs(b));
}
