// The stored events the API is queried over: a month of trading traffic made by INSERT ... SELECT
// over generate_series (the aggregator's query leg does the same), shaped like the demo's:
// - market.data.update, the bulk: every symbol quoted on a regular grid with bid/ask/price and
//   the occasional feed gap (quote-grid.ts);
// - sessions: user.login, page views, user.logout, and orders placed within them;
// - orders with an order_id: placed (limit or market), then filled in one or several fills,
//   canceled (some after a partial fill), rejected, or left open (some partially filled);
//   priced off the quote in force when placed (limit a few bps behind the touch) and, for
//   market orders, when filled;
// - position.opened/closed at the mid in force, with realized_pnl = (exit - entry) * qty * ±1;
// - signal.generated makes up the count.
// The month runs until an hour after the bench starts, so "now" (the dashboard's last five
// minutes, today, the last day) stays inside the data for the whole run.
import { DEFAULT_STRATEGIES, type Sql } from "@trading-analytics/core";
import { ensureEventPartitions } from "../shared/dataset";
import { gridSql, quoteGrid, type QuoteGrid } from "./quote-grid";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const MONTH_DAYS = 30;

/** Shares of the events; signals make up the rest. Orders average about 2.3 events each. */
const QUOTE_SHARE = 0.6;
const ORDERS_PER_EVENT = 0.115;
const SESSIONS_PER_EVENT = 0.003;
const POSITIONS_PER_EVENT = 0.004;
const USERS = 500;

export interface MonthOfEvents {
  count: number;
  fromMs: number;
  toMs: number;
  /** Events inserted of each kind: quotes, sessions (logins, views, logouts, orders), positions, signals. */
  inserted: Record<"quotes" | "sessionsAndOrders" | "positions" | "signals", number>;
  grid: QuoteGrid;
}

/** [now − 30 days, now + 1 hour), on whole minutes. */
export function monthRange(nowMs: number): { fromMs: number; toMs: number } {
  const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return { fromMs: minute - MONTH_DAYS * DAY_MS, toMs: minute + HOUR_MS };
}

const sqlText = (values: readonly string[]) => `array[${values.map((value) => `'${value}'`).join(", ")}]`;
const STRATEGIES = sqlText(DEFAULT_STRATEGIES.map((strategy) => strategy.id));
const INSERT = `insert into events (id, event_type, "timestamp", created_at, user_id, session_id, properties)`;
const AT = (ms: string) => `(timestamptz 'epoch' + (${ms}) * interval '1 millisecond')`;

export async function insertMonthOfEvents(sql: Sql, count: number, nowMs: number): Promise<MonthOfEvents> {
  const { fromMs, toMs } = monthRange(nowMs);
  await ensureEventPartitions(sql, fromMs, toMs);
  const grid = quoteGrid(fromMs, toMs, Math.round(count * QUOTE_SHARE));
  const g = gridSql(grid);
  const symbols = `(values ${g.symbolsValues}) sym(s, symbol, base, spread_bps, pscale, qdec)`;
  const quotes = await sql.unsafe(`${INSERT}
    select gen_random_uuid(), 'market.data.update', at, at + interval '20 milliseconds', null, null,
           jsonb_build_object('symbol', sym.symbol, 'price', q.last, 'bid', q.bid, 'ask', q.ask,
                              'volume', round(greatest((5000 * exp(random() - 0.5) / q.mid)::numeric, power(10::numeric, -sym.qdec)), sym.qdec))
    from ${symbols}
    cross join generate_series(0, ${grid.perSymbol - 1}) k
    cross join lateral (select ${AT(g.quoteTimeMs("sym.s", "k"))} as at) t
    cross join lateral ${g.quoteAt("sym.s", "k")} q
    where not ${g.inGap("sym.s", "k")}`);
  const span = { from: fromMs + HOUR_MS, length: toMs - fromMs - 3 * HOUR_MS };
  const sessions = await sql.unsafe(sessionsAndOrdersSql(grid, symbols, span, Math.max(1, Math.round(count * SESSIONS_PER_EVENT)), Math.round(count * ORDERS_PER_EVENT)));
  const positions = await sql.unsafe(positionsSql(grid, symbols, span, Math.round(count * POSITIONS_PER_EVENT), toMs - HOUR_MS));
  const rest = Math.max(0, count - quotes.count - sessions.count - positions.count);
  const signals = await sql.unsafe(`${INSERT}
    select gen_random_uuid(), 'signal.generated', at, at + interval '20 milliseconds', null, null,
           jsonb_build_object('signal_id', gen_random_uuid(), 'strategy_id', (${STRATEGIES})[1 + floor(random() * ${DEFAULT_STRATEGIES.length})::int],
                              'symbol', (${sqlText(grid.symbols.map((symbol) => symbol.symbol))})[1 + floor(random() * ${grid.symbols.length})::int],
                              'direction', (array['LONG', 'LONG', 'SHORT', 'SHORT', 'FLAT'])[1 + floor(random() * 5)::int],
                              'strength', round(random()::numeric, 3))
    from generate_series(1, ${rest}) n
    cross join lateral (select ${AT(`${fromMs}::bigint + floor(random() * ${toMs - fromMs})::bigint`)} as at, n) t`);
  const inserted = { quotes: quotes.count, sessionsAndOrders: sessions.count, positions: positions.count, signals: signals.count };
  return { count: Object.values(inserted).reduce((a, b) => a + b, 0), fromMs, toMs, inserted, grid };
}

/** Sessions with their logins, page views and logouts, and the orders placed in them with their lifecycle events. */
function sessionsAndOrdersSql(grid: QuoteGrid, symbols: string, span: { from: number; length: number }, sessionCount: number, orderCount: number): string {
  const g = gridSql(grid);
  const strategy = `case when o.r_strat < 0.8 then (${STRATEGIES})[1 + floor(o.r_strat / 0.8 * ${DEFAULT_STRATEGIES.length})::int] end`;
  return `
    with sess as materialized (
      select j, gen_random_uuid()::text as session_id, 'user-' || lpad((j % ${USERS})::text, 3, '0') as user_id, login_ms, dur_ms,
             (array['password', 'password', 'sso', 'api_key'])[1 + floor(random() * 4)::int] as method,
             (array['web', 'web', 'desktop', 'ios', 'android'])[1 + floor(random() * 5)::int] as client,
             floor(random() * 7)::int as views
      from (select j, ${span.from}::bigint + floor(random() * ${span.length})::bigint as login_ms,
                   (120000 + floor(5400000 * random() ^ 2))::bigint as dur_ms
            from generate_series(0, ${sessionCount - 1}) j) x
    ),
    drawn as (
      select o.*, se.session_id, se.user_id, se.login_ms + 1000 + floor(o.r_t * (se.dur_ms - 1000))::bigint as placed_ms,
             case when o.r_side < 0.5 then 'BUY' else 'SELL' end as side,
             case when o.r_type < 0.7 then 'LIMIT' else 'MARKET' end as order_type,
             ${strategy} as strategy_id
      from (select g, floor(random() * ${grid.symbols.length})::int as s, random() as r_out, random() as r_side, random() as r_type,
                   random() as r_strat, random() as r_t, random() as r_q, random() as r_off, random() as r_lat, random() as r_step,
                   random() as r_n, random() as r_part, random() as r_end
            from generate_series(0, ${orderCount - 1}) g) o
      join sess se on se.j = o.g % ${sessionCount}
    ),
    ord as materialized (
      select d.*, gen_random_uuid()::text as order_id, sym.symbol, sym.pscale, sym.qdec, a.mid as arrival_mid,
             case when d.order_type = 'MARKET' then (case when d.side = 'BUY' then a.ask else a.bid end)
                  when d.side = 'BUY' then floor(a.bid * (1 - 0.0008 * d.r_off ^ 2) * sym.pscale) / sym.pscale
                  else ceil(a.ask * (1 + 0.0008 * d.r_off ^ 2) * sym.pscale) / sym.pscale end as price,
             round(greatest((300 * exp(1.2 * (d.r_q - 0.5)) / a.mid)::numeric, 20 * power(10::numeric, -sym.qdec)), sym.qdec) as qty,
             case when d.order_type = 'MARKET' then (case when d.r_out < 0.9 then 'filled' else 'rejected' end)
                  when d.r_out < 0.65 then 'filled' when d.r_out < 0.88 then 'canceled' when d.r_out < 0.98 then 'rejected' else 'open' end as outcome,
             case when d.order_type = 'MARKET' then 3 + floor(d.r_lat * 60)::bigint else 200 + floor(90000 * d.r_lat ^ 3)::bigint end as lat_ms,
             50 + floor(15000 * d.r_step ^ 2)::bigint as step_ms
      from drawn d
      join ${symbols} on sym.s = d.s
      cross join lateral ${g.quoteAt("d.s", g.indexInForce("d.s", "d.placed_ms"))} a
    ),
    lifecycle as materialized (
      select o.*,
             case when outcome = 'filled' then (case when r_n < 0.75 then 1 else 2 + floor((r_n - 0.75) * 12)::int end)
                  when outcome in ('canceled', 'open') and r_n < 0.35 then 1 + floor(r_n * 5.7)::int else 0 end as nfills,
             case when outcome = 'filled' then qty
                  when outcome in ('canceled', 'open') and r_n < 0.35 then round(qty * (0.2 + 0.5 * r_part)::numeric, qdec) else 0 end as filled_total
      from ord o
    ),
    fills as (
      select l.*, j, f.fill_ms, trunc(l.filled_total / l.nfills, l.qdec) as part,
             case when l.order_type = 'LIMIT' then l.price when l.side = 'BUY' then q.ask else q.bid end as fill_price
      from lifecycle l
      join ${symbols} on sym.s = l.s
      cross join lateral generate_series(1, l.nfills) j
      cross join lateral (select l.placed_ms + l.lat_ms + (j - 1) * l.step_ms as fill_ms) f
      cross join lateral ${g.quoteAt("l.s", g.indexInForce("l.s", "f.fill_ms"))} q
    ),
    ev(at_ms, event_type, user_id, session_id, properties) as (
      select login_ms, 'user.login', user_id, session_id, jsonb_build_object('method', method, 'client', client) from sess
      union all
      select login_ms + dur_ms, 'user.logout', user_id, session_id, jsonb_build_object('session_duration_s', round(dur_ms / 1000.0)) from sess
      union all
      select login_ms + 500 + floor(random() * (dur_ms - 1000))::bigint, 'page.view', user_id, session_id,
             jsonb_build_object('path', (array['/dashboard', '/orders', '/portfolio', '/alerts', '/markets/BTCUSDT', '/strategies'])[1 + floor(random() * 6)::int], 'referrer', '/dashboard')
      from sess cross join lateral generate_series(1, views) v
      union all
      select placed_ms, 'order.placed', user_id, session_id,
             jsonb_strip_nulls(jsonb_build_object('order_id', order_id, 'symbol', symbol, 'side', side, 'order_type', order_type, 'price', price, 'quantity', qty, 'strategy_id', strategy_id))
      from lifecycle
      union all
      select fill_ms, 'order.filled', user_id, session_id,
             jsonb_strip_nulls(jsonb_build_object('order_id', order_id, 'symbol', symbol, 'side', side, 'price', fill_price, 'quantity', fill_qty,
                                                  'notional', round((fill_price * fill_qty)::numeric, 6), 'is_partial', qty - filled_after > 0,
                                                  'remaining_quantity', qty - filled_after,
                                                  'fee', round((fill_price * fill_qty * (case when order_type = 'LIMIT' then 0.0002 else 0.001 end))::numeric, 6),
                                                  'latency_ms', fill_ms - placed_ms, 'strategy_id', strategy_id))
      from (select f.*, case when j < nfills then part else filled_total - (nfills - 1) * part end as fill_qty,
                   case when j < nfills then j * part else filled_total end as filled_after
            from fills f) f
      union all
      select placed_ms + lat_ms + nfills * step_ms + 500 + floor(240000 * r_end)::bigint, 'order.canceled', user_id, session_id,
             jsonb_strip_nulls(jsonb_build_object('order_id', order_id, 'symbol', symbol, 'side', side, 'remaining_quantity', qty - filled_total,
                                                  'reason', (array['user_requested', 'user_requested', 'expired'])[1 + floor(r_end * 3)::int], 'strategy_id', strategy_id))
      from lifecycle where outcome = 'canceled'
      union all
      select placed_ms + 2 + floor(40 * r_end)::bigint, 'order.rejected', user_id, session_id,
             jsonb_strip_nulls(jsonb_build_object('order_id', order_id, 'symbol', symbol, 'side', side,
                                                  'reason', (array['insufficient_balance', 'price_out_of_band', 'rate_limited', 'max_open_orders'])[1 + floor(r_end * 4)::int],
                                                  'strategy_id', strategy_id))
      from lifecycle where outcome = 'rejected'
    )
    ${INSERT}
    select gen_random_uuid(), event_type, at, at + interval '20 milliseconds', user_id, session_id, properties
    from ev cross join lateral (select ${AT("ev.at_ms")} as at) t`;
}

/** Strategy positions opened and (mostly) closed at the mid in force, with their realized pnl. */
function positionsSql(grid: QuoteGrid, symbols: string, span: { from: number; length: number }, positionCount: number, closeBeforeMs: number): string {
  const g = gridSql(grid);
  return `
    with pos as materialized (
      select p.*, sym.symbol, gen_random_uuid()::text as position_id,
             (${STRATEGIES})[1 + floor(p.r_strat * ${DEFAULT_STRATEGIES.length})::int] as strategy_id,
             case when p.r_side < 0.5 then 'LONG' else 'SHORT' end as side, case when p.r_side < 0.5 then 1 else -1 end as direction,
             (round(e.mid * sym.pscale) / sym.pscale)::numeric as entry_price, (round(x.mid * sym.pscale) / sym.pscale)::numeric as exit_price,
             round(greatest((2000 * exp(p.r_q - 0.5) / e.mid)::numeric, 20 * power(10::numeric, -sym.qdec)), sym.qdec) as quantity,
             p.r_open < 0.9 and p.open_ms + p.hold_ms < ${closeBeforeMs}::bigint as closed
      from (select n, floor(random() * ${grid.symbols.length})::int as s, random() as r_strat, random() as r_side, random() as r_q, random() as r_open,
                   ${span.from}::bigint + floor(random() * ${span.length})::bigint as open_ms,
                   (60000 + floor(6 * 3600000 * random() ^ 3))::bigint as hold_ms
            from generate_series(1, ${positionCount}) n) p
      join ${symbols} on sym.s = p.s
      cross join lateral ${g.quoteAt("p.s", g.indexInForce("p.s", "p.open_ms"))} e
      cross join lateral ${g.quoteAt("p.s", g.indexInForce("p.s", "p.open_ms + p.hold_ms"))} x
    ),
    ev(at_ms, event_type, properties) as (
      select open_ms, 'position.opened',
             jsonb_build_object('position_id', position_id, 'symbol', symbol, 'side', side, 'quantity', quantity, 'entry_price', entry_price, 'strategy_id', strategy_id)
      from pos
      union all
      select open_ms + hold_ms, 'position.closed',
             jsonb_build_object('position_id', position_id, 'symbol', symbol, 'side', side, 'quantity', quantity, 'entry_price', entry_price, 'strategy_id', strategy_id,
                                'exit_price', exit_price, 'realized_pnl', round((exit_price - entry_price) * quantity * direction, 6))
      from pos where closed
    )
    ${INSERT}
    select gen_random_uuid(), event_type, at, at + interval '20 milliseconds', null, null, properties
    from ev cross join lateral (select ${AT("ev.at_ms")} as at) t`;
}
