// The trading analytics tab's charts. Each takes the API's answer as it is, or undefined when
// the route has nothing (404, no rows), and then draws "No data" instead of throwing.

import { AXIS, BASE, COLORS, emptyText, LEGEND, VALUE_AXIS, windowAxis } from "./charts.js";
import { formatBps, formatCompact, formatCount, formatPercentValue, formatPrice, formatSigned } from "./format.js";

export const NO_DATA = "No data";

export function createTradingCharts(echarts) {
  const byId = (id) => {
    const chart = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    chart.setOption(BASE);
    return chart;
  };
  return {
    orders: byId("chart-trading-orders"),
    execution: byId("chart-trading-execution"),
    pnl: byId("chart-trading-pnl"),
    exposure: byId("chart-trading-exposure"),
  };
}

const number = (n) => (typeof n === "number" && Number.isFinite(n) ? n : null);

/** Orders placed in the range by lifecycle outcome, the per-order fill rate in the middle. */
export function drawOrderOutcomes(chart, figures) {
  const orders = figures?.orders;
  const data = orders
    ? [
        { name: "filled", value: number(orders.filled), itemStyle: { color: COLORS.up } },
        { name: "partially filled", value: number(orders.partially_filled), itemStyle: { color: "#7fb3d5" } },
        { name: "canceled", value: number(orders.canceled), itemStyle: { color: COLORS.warn } },
        { name: "rejected", value: number(orders.rejected), itemStyle: { color: COLORS.down } },
        { name: "open", value: number(orders.open), itemStyle: { color: "#3a4656" } },
      ]
    : [];
  const empty = !orders || !(number(orders.placed) > 0);
  chart.setOption(
    {
      graphic: empty
        ? [emptyText(NO_DATA)]
        : [
            {
              type: "text",
              left: "31%",
              top: "middle",
              silent: true,
              style: { text: `${formatPercentValue(figures.fill_rate)}\nfilled`, fill: COLORS.text, fontSize: 16, fontWeight: 600, align: "center", lineHeight: 19 },
            },
          ],
      tooltip: { trigger: "item", valueFormatter: formatCount },
      legend: {
        ...LEGEND,
        show: !empty,
        top: "middle",
        right: 8,
        orient: "vertical",
        itemGap: 8,
        textStyle: { color: COLORS.text, fontSize: 11 },
        formatter: (name) => `${name}  ${formatCount(data.find((d) => d.name === name)?.value)}`,
      },
      // No series at all when empty: an empty pie would still draw its placeholder ring.
      series: empty
        ? []
        : [
            {
              name: "orders",
              type: "pie",
              center: ["36%", "52%"],
              radius: ["58%", "84%"],
              avoidLabelOverlap: false,
              label: { show: false },
              itemStyle: { borderColor: "#151b23", borderWidth: 2 },
              data,
            },
          ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Slippage and effective spread in bps: p50, p95, p99 and volume-weighted side by side. */
export function drawExecution(chart, figures) {
  const categories = ["p50", "p95", "p99", "volume-weighted"];
  const values = (figure) => [figure?.p50, figure?.p95, figure?.p99, figure?.volume_weighted].map(number);
  const slippage = values(figures?.slippage_bps);
  const spread = values(figures?.effective_spread_bps);
  const empty = !figures || [...slippage, ...spread].every((v) => v === null);
  chart.setOption(
    {
      graphic: empty ? [emptyText(NO_DATA)] : [],
      grid: { left: 40, right: 8, top: 22, bottom: 20 },
      legend: { ...LEGEND, data: ["slippage", "effective spread"] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: formatBps },
      xAxis: { ...AXIS, type: "category", data: categories, axisLabel: { ...AXIS.axisLabel, color: COLORS.text, interval: 0 } },
      yAxis: { ...VALUE_AXIS },
      series: [
        { name: "slippage", type: "bar", barMaxWidth: 18, data: empty ? [] : slippage, itemStyle: { color: COLORS.violet } },
        { name: "effective spread", type: "bar", barMaxWidth: 18, data: empty ? [] : spread, itemStyle: { color: COLORS.accent } },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Realized PnL per bucket (bars) and its running total over the range (line). */
export function drawPnl(chart, pnl, range) {
  const series = pnl?.series ?? [];
  let total = 0;
  const cumulative = series.map((b) => [b.bucket_start, (total += number(b.realized_pnl) ?? 0)]);
  const empty = series.length === 0;
  chart.setOption(
    {
      graphic: empty ? [emptyText(NO_DATA)] : [],
      grid: { left: 48, right: 8, top: 22, bottom: 20 },
      legend: { ...LEGEND, data: ["per bucket", "cumulative"] },
      tooltip: { trigger: "axis", valueFormatter: formatSigned },
      xAxis: windowAxis(range),
      yAxis: { ...VALUE_AXIS },
      series: [
        {
          name: "per bucket",
          type: "bar",
          barMaxWidth: 10,
          data: series.map((b) => ({ value: [b.bucket_start, number(b.realized_pnl)], itemStyle: { color: (number(b.realized_pnl) ?? 0) >= 0 ? COLORS.up : COLORS.down } })),
        },
        { name: "cumulative", type: "line", showSymbol: false, data: cumulative, lineStyle: { width: 2, color: COLORS.accent }, itemStyle: { color: COLORS.accent } },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Net notional per symbol of the open positions (long up, short down). */
export function drawExposure(chart, positions) {
  const rows = [...(positions?.exposure ?? [])].sort((a, b) => Math.abs(number(b.net_notional) ?? 0) - Math.abs(number(a.net_notional) ?? 0)).slice(0, 12);
  chart.setOption(
    {
      graphic: rows.length === 0 ? [emptyText(NO_DATA)] : [],
      grid: { left: 8, right: 8, top: 16, bottom: 4, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items) => {
          const row = rows[items[0]?.dataIndex];
          if (!row) return "";
          return [
            `<b>${row.symbol}</b> net ${formatCompact(row.net_quantity)}`,
            `long ${formatCompact(row.long_notional)} · short ${formatCompact(row.short_notional)}`,
            `unrealized ${formatSigned(row.unrealized_pnl)} · mark ${formatPrice(row.mark_price)}`,
          ].join("<br>");
        },
      },
      xAxis: { ...AXIS, type: "category", data: rows.map((row) => row.symbol), axisLabel: { ...AXIS.axisLabel, color: COLORS.text, interval: 0, hideOverlap: true } },
      yAxis: { ...VALUE_AXIS },
      series: [
        {
          name: "net notional",
          type: "bar",
          barMaxWidth: 28,
          data: rows.map((row) => ({ value: number(row.net_notional), itemStyle: { color: (number(row.net_notional) ?? 0) >= 0 ? COLORS.up : COLORS.down } })),
        },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}
