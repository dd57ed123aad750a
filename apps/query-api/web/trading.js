// The "Trading analytics" tab: order lifecycle, execution quality, PnL and exposure, market-data
// health and sessions from /api/v1/trading/…. Every panel shows "No data" when its route answers
// 404 or has nothing in the range, an error in its hint when it fails, and never stops the others.
// Each panel's data-state ("loading", "data", "empty", "error") says which, for people and tests.

import { AuthRequiredError, getJsonOrNone } from "./api-client.js";
import { createTradingCharts, drawExecution, drawExposure, drawOrderOutcomes, drawPnl, NO_DATA } from "./trading-charts.js";
import { formatBps, formatClock, formatCount, formatMs, formatPercentValue, formatRatio, formatSeconds, formatSigned } from "./format.js";

const GAPS_SHOWN = 20;
const $ = (id) => document.getElementById(id);

function setHint(panel, text, isError = false) {
  const el = $(`hint-trading-${panel}`);
  el.textContent = text;
  el.title = text;
  el.classList.toggle("error", isError);
}

function setState(panel, state) {
  $(`panel-trading-${panel}`).dataset.state = state;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Fills a table's body with one row per item, or one "No data" row. */
function fillTable(tableId, rows, toCells) {
  const table = $(tableId);
  const width = table.tHead?.rows[0]?.cells.length ?? 1;
  const body = table.tBodies[0];
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = cell(NO_DATA, "empty");
    td.colSpan = width;
    tr.append(td);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      tr.append(...toCells(row).map((text, i) => cell(text, i === 0 ? "key" : "num")));
      return tr;
    }),
  );
}

/** The sessions panel's figures as label/value pairs, or "No data". */
function fillFigures(listId, pairs) {
  const list = $(listId);
  if (pairs.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = NO_DATA;
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(
    ...pairs.flatMap(([label, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      return [dt, dd];
    }),
  );
}

const percentiles = (figure, format) => [format(figure?.p50), format(figure?.p95), format(figure?.p99)];

export function createTradingView({ echarts, onAuthRequired }) {
  const charts = createTradingCharts(echarts);

  /** Runs one panel's refresh: work() resolves true when it drew data, false for "No data". */
  async function panel(name, work) {
    try {
      setState(name, (await work()) ? "data" : "empty");
    } catch (error) {
      if (error instanceof AuthRequiredError) return onAuthRequired();
      setState(name, "error");
      setHint(name, error.message, true);
    }
  }

  // One answer (by symbol, with the totals) feeds both order panels.
  const orders = (range) => {
    const answer = getJsonOrNone("/api/v1/trading/orders", { ...range, by: "symbol" });
    return Promise.all([
      panel("orders", async () => {
        const figures = await answer;
        drawOrderOutcomes(charts.orders, figures);
        setHint("orders", figures ? `${formatCount(figures.orders?.placed)} placed · qty ${formatPercentValue(figures.quantity_fill_ratio)} · cancel/fill ${formatRatio(figures.cancel_to_fill_ratio)}` : "");
        return figures?.orders?.placed > 0;
      }),
      panel("fill-times", async () => {
        const figures = await answer;
        const rows = figures?.breakdown ?? [];
        fillTable("table-trading-fill-times", rows, (row) => [
          row.symbol ?? "–",
          formatCount(row.orders?.placed),
          formatPercentValue(row.fill_rate),
          ...percentiles(row.time_to_first_fill_ms, formatMs),
          ...percentiles(row.time_to_fill_ms, formatMs),
        ]);
        const first = figures?.time_to_first_fill_ms;
        const full = figures?.time_to_fill_ms;
        setHint("fill-times", figures ? `all: first p50 ${formatMs(first?.p50)} · full p50 ${formatMs(full?.p50)} · p99 ${formatMs(full?.p99)}` : "");
        return rows.length > 0;
      }),
    ]);
  };

  const execution = (range) =>
    panel("execution", async () => {
      const figures = await getJsonOrNone("/api/v1/trading/execution", range);
      drawExecution(charts.execution, figures);
      const is = figures?.implementation_shortfall;
      const source = figures?.arrival_source;
      setHint("execution", figures ? `IS ${formatBps(is?.bps)} · arrival mid ${formatCount(source?.mid)} / limit ${formatCount(source?.limit)}` : "");
      return figures?.orders_measured > 0;
    });

  const pnl = (range, interval) =>
    panel("pnl", async () => {
      const figures = await getJsonOrNone("/api/v1/trading/pnl", { ...range, interval });
      drawPnl(charts.pnl, figures, { min: Date.parse(range.start_time), max: Date.parse(range.end_time) });
      setHint("pnl", figures ? `realized ${formatSigned(figures.realized_pnl)} · ${formatCount(figures.closed_positions)} closed` : "");
      return (figures?.series ?? []).length > 0 && figures.closed_positions > 0;
    });

  const exposure = (range) =>
    panel("exposure", async () => {
      const figures = await getJsonOrNone("/api/v1/trading/positions", { at: range.end_time });
      drawExposure(charts.exposure, figures);
      setHint("exposure", figures ? `${formatCount(figures.open_positions)} open · unrealized ${formatSigned(figures.unrealized_pnl)}` : "");
      return (figures?.exposure ?? []).length > 0;
    });

  const marketData = (range) =>
    panel("market-data", async () => {
      const health = await getJsonOrNone("/api/v1/trading/market-data/health", { ...range, limit: GAPS_SHOWN });
      const symbols = health?.symbols ?? [];
      const gaps = health?.gaps ?? [];
      fillTable("table-trading-market-data", symbols, (row) => [
        row.symbol,
        formatRatio(row.updates_per_second),
        formatMs(row.usual_interval_ms),
        formatCount(row.gaps),
        formatMs(row.longest_gap_ms),
        formatBps(row.spread_bps?.p50),
        formatBps(row.spread_bps?.p95),
      ]);
      fillTable("table-trading-gaps", gaps.slice(0, GAPS_SHOWN), (gap) => [gap.symbol, formatClock(gap.from), formatMs(gap.duration_ms)]);
      const total = symbols.reduce((sum, row) => sum + (typeof row.gaps === "number" ? row.gaps : 0), 0);
      setHint("market-data", health ? `${formatCount(symbols.length)} symbols · ${formatCount(total)} gaps (over ${health.gap_factor ?? "–"}× the usual interval)` : "");
      return symbols.length > 0;
    });

  const sessions = (range) =>
    panel("sessions", async () => {
      const figures = await getJsonOrNone("/api/v1/trading/sessions", range);
      const has = figures?.sessions > 0;
      fillFigures(
        "list-trading-sessions",
        has
          ? [
              ["sessions", formatCount(figures.sessions)],
              ["users", formatCount(figures.users)],
              ["duration p50 / p95", `${formatSeconds(figures.duration_s?.p50)} / ${formatSeconds(figures.duration_s?.p95)}`],
              ["events / session avg", formatRatio(figures.events_per_session?.avg)],
              ["events / session p50 / p95", `${formatRatio(figures.events_per_session?.p50)} / ${formatRatio(figures.events_per_session?.p95)}`],
              ["login → first order p50 / p95", `${formatSeconds(figures.login_to_first_order_s?.p50)} / ${formatSeconds(figures.login_to_first_order_s?.p95)}`],
              ["sessions with an order", formatCount(figures.login_to_first_order_s?.count)],
            ]
          : [],
      );
      return has;
    });

  return {
    /** Every panel over [start_time, end_time), PnL in buckets of interval. */
    refresh(range, interval) {
      return Promise.all([orders(range), execution(range), pnl(range, interval), exposure(range), marketData(range), sessions(range)]);
    },
    /** Charts drawn while the tab was hidden measured nothing: size them now. */
    resize() {
      Object.values(charts).forEach((chart) => chart.resize());
    },
  };
}
