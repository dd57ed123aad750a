// The dashboard's charts (Apache ECharts, loaded as window.echarts from its own bundle). Each
// function takes the API's answer as it is and sets the whole chart, so a refresh is one call.

import { formatClock, formatCompact, formatCount, formatMs, formatPercentValue, formatPrice } from "./format.js";

export const COLORS = {
  text: "#d8dee6",
  muted: "#8b97a6",
  grid: "#263040",
  accent: "#4cc3ff",
  up: "#26a69a",
  down: "#ef5350",
  warn: "#f0b429",
  violet: "#b392f0",
};
const PALETTE = [COLORS.accent, COLORS.up, COLORS.warn, COLORS.violet, "#ff8a65", "#90caf9", "#a5d6a7", "#f48fb1", "#ffe082", "#80deea"];

export const BASE = {
  backgroundColor: "transparent",
  color: PALETTE,
  animationDuration: 300,
  textStyle: { color: COLORS.text, fontSize: 11 },
  tooltip: {
    backgroundColor: "#1d2530",
    borderColor: COLORS.grid,
    textStyle: { color: COLORS.text, fontSize: 12 },
    confine: true,
  },
};
export const AXIS = {
  axisLine: { lineStyle: { color: COLORS.grid } },
  axisTick: { show: false },
  axisLabel: { color: COLORS.muted, fontSize: 10 },
  splitLine: { lineStyle: { color: COLORS.grid, type: "dashed" } },
};
const TIME_AXIS = { ...AXIS, type: "time", splitNumber: 4, splitLine: { show: false }, axisLabel: { ...AXIS.axisLabel, hideOverlap: true } };
/** A time axis spanning the window asked for (a single point would otherwise stretch it to days). */
export const windowAxis = (range) => ({ ...TIME_AXIS, min: range?.min, max: range?.max });
export const VALUE_AXIS = { ...AXIS, type: "value", axisLabel: { ...AXIS.axisLabel, formatter: (v) => formatCompact(v) } };
export const LEGEND = { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: COLORS.muted, fontSize: 10 } };

/** A centred message instead of an empty frame. */
export function emptyText(text) {
  return { type: "text", left: "center", top: "middle", silent: true, style: { text, fill: COLORS.muted, fontSize: 12 } };
}

export function createCharts(echarts) {
  const byId = (id) => {
    const chart = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    chart.setOption(BASE);
    return chart;
  };
  const charts = {
    rate: byId("chart-rate"),
    types: byId("chart-types"),
    fill: byId("chart-fill"),
    candles: byId("chart-candles"),
    volume: byId("chart-volume"),
    latency: byId("chart-latency"),
    deadLetters: byId("chart-dead-letters"),
  };
  window.addEventListener("resize", () => Object.values(charts).forEach((chart) => chart.resize()));
  return charts;
}

/** Stored events per second (ingesters' counters) and events streamed to this page per second. */
export function drawRate(chart, { stored, streamed }) {
  chart.setOption(
    {
      grid: { left: 36, right: 8, top: 22, bottom: 20 },
      legend: { ...LEGEND, data: ["stored", "streamed here"] },
      tooltip: { trigger: "axis", valueFormatter: (v) => `${formatCompact(v)}/s` },
      xAxis: TIME_AXIS,
      yAxis: { ...VALUE_AXIS, minInterval: 1 },
      series: [
        { name: "stored", type: "line", showSymbol: false, data: stored, areaStyle: { opacity: 0.12 }, lineStyle: { width: 2 } },
        { name: "streamed here", type: "line", showSymbol: false, data: streamed, lineStyle: { width: 1.5, type: "dashed" } },
      ],
    },
    { replaceMerge: ["series"] },
  );
}

/** Events in the window per type, most frequent on top. */
export function drawTypes(chart, counts) {
  const rows = Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .reverse();
  chart.setOption(
    {
      graphic: rows.length === 0 ? [emptyText("No events in this window")] : [],
      grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: formatCount },
      xAxis: { ...VALUE_AXIS, splitLine: { show: false }, axisLabel: { show: false } },
      yAxis: { ...AXIS, type: "category", data: rows.map(([type]) => type), axisLabel: { ...AXIS.axisLabel, color: COLORS.text } },
      series: [
        {
          name: "events",
          type: "bar",
          data: rows.map(([, count]) => count),
          barMaxWidth: 14,
          itemStyle: { color: COLORS.accent, borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: "right", color: COLORS.text, fontSize: 10, formatter: ({ value }) => formatCount(value) },
        },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Orders placed in the window by status (they add up to orders placed), the per-order fill rate in the middle. */
export function drawFill(chart, rates) {
  const data = [
    { name: "filled", value: rates.orders_filled, itemStyle: { color: COLORS.up } },
    { name: "partially filled", value: rates.orders_partially_filled, itemStyle: { color: "#7fb3d5" } },
    { name: "canceled", value: rates.orders_canceled, itemStyle: { color: COLORS.warn } },
    { name: "rejected", value: rates.orders_rejected, itemStyle: { color: COLORS.down } },
    { name: "open", value: rates.orders_open, itemStyle: { color: "#3a4656" } },
  ];
  chart.setOption(
    {
      graphic: [
        {
          type: "text",
          left: "31%",
          top: "middle",
          silent: true,
          style: {
            text: `${formatPercentValue(rates.fill_rate)}\nfilled`,
            fill: COLORS.text,
            fontSize: 18,
            fontWeight: 600,
            align: "center",
            lineHeight: 20,
          },
        },
      ],
      tooltip: { trigger: "item", valueFormatter: formatCount },
      legend: {
        ...LEGEND,
        top: "middle",
        right: 8,
        orient: "vertical",
        itemGap: 10,
        textStyle: { color: COLORS.text, fontSize: 11 },
        formatter: (name) => `${name}  ${formatCount(data.find((d) => d.name === name)?.value)}`,
      },
      series: [
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

/** OHLCV candles with volume bars below. */
export function drawCandles(chart, ohlcv) {
  const candles = ohlcv?.candles ?? [];
  const times = candles.map((c) => c.bucket_start);
  chart.setOption(
    {
      graphic: candles.length === 0 ? [emptyText(ohlcv ? `No market data for ${ohlcv.symbol} in this window` : "No symbols yet")] : [],
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "cross", label: { backgroundColor: "#1d2530" } },
        formatter: (items) => {
          const c = candles[items[0]?.dataIndex];
          if (!c) return "";
          return [
            `<b>${ohlcv.symbol}</b> ${formatClock(c.bucket_start)}`,
            `O ${formatPrice(c.open)}  H ${formatPrice(c.high)}`,
            `L ${formatPrice(c.low)}  C ${formatPrice(c.close)}`,
            `Vol ${formatCompact(c.volume)}  VWAP ${formatPrice(c.vwap)}`,
          ].join("<br>");
        },
      },
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      grid: [
        { left: 56, right: 12, top: 8, bottom: "40%" },
        { left: 56, right: 12, top: "72%", bottom: 20 },
      ],
      xAxis: [
        { ...AXIS, type: "category", data: times, boundaryGap: true, axisLabel: { show: false }, splitLine: { show: false } },
        {
          ...AXIS,
          type: "category",
          gridIndex: 1,
          data: times,
          boundaryGap: true,
          axisLabel: { ...AXIS.axisLabel, formatter: (t) => formatClock(t).slice(0, 5), hideOverlap: true },
        },
      ],
      yAxis: [
        { ...AXIS, type: "value", scale: true, axisLabel: { ...AXIS.axisLabel, formatter: formatPrice } },
        { ...VALUE_AXIS, gridIndex: 1, splitNumber: 1, axisLabel: { ...VALUE_AXIS.axisLabel, showMinLabel: false } },
      ],
      series: [
        {
          name: ohlcv?.symbol ?? "",
          type: "candlestick",
          // ECharts' order: open, close, low, high.
          data: candles.map((c) => [c.open, c.close, c.low, c.high]),
          barMaxWidth: 12,
          itemStyle: { color: COLORS.up, color0: COLORS.down, borderColor: COLORS.up, borderColor0: COLORS.down },
        },
        {
          name: "volume",
          type: "bar",
          xAxisIndex: 1,
          yAxisIndex: 1,
          barMaxWidth: 12,
          data: candles.map((c) => ({ value: c.volume, itemStyle: { color: c.close >= c.open ? "rgba(38,166,154,0.55)" : "rgba(239,83,80,0.55)" } })),
        },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Filled notional per symbol (fills in the tooltip). */
export function drawVolume(chart, volume) {
  const rows = [...(volume?.breakdown ?? [])].sort((a, b) => b.notional - a.notional).slice(0, 12);
  chart.setOption(
    {
      graphic: rows.length === 0 ? [emptyText("No fills in this window")] : [],
      grid: { left: 8, right: 8, top: 16, bottom: 4, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items) => {
          const row = rows[items[0]?.dataIndex];
          return row ? `<b>${row.symbol}</b><br>notional ${formatCompact(row.notional)}<br>quantity ${formatCompact(row.quantity)}<br>fills ${formatCount(row.fills)}` : "";
        },
      },
      xAxis: { ...AXIS, type: "category", data: rows.map((row) => row.symbol), axisLabel: { ...AXIS.axisLabel, color: COLORS.text, interval: 0, hideOverlap: true } },
      yAxis: { ...VALUE_AXIS },
      series: [
        {
          name: "notional",
          type: "bar",
          data: rows.map((row) => row.notional),
          barMaxWidth: 28,
          itemStyle: { color: COLORS.violet, borderRadius: [3, 3, 0, 0] },
          label: { show: rows.length <= 6, position: "top", color: COLORS.muted, fontSize: 10, formatter: ({ value }) => formatCompact(value) },
        },
      ],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** order.filled latency_ms percentiles per bucket. */
export function drawLatency(chart, series, range) {
  const points = series?.points ?? [];
  const line = (name, key, color, width) => ({
    name,
    type: "line",
    showSymbol: points.length <= 2,
    symbolSize: 5,
    connectNulls: true,
    data: points.map((p) => [p.bucket_start, p[key]]),
    lineStyle: { width, color },
    itemStyle: { color },
  });
  chart.setOption(
    {
      graphic: points.length === 0 ? [emptyText("No fills with latency in this window")] : [],
      grid: { left: 44, right: 8, top: 22, bottom: 20 },
      legend: { ...LEGEND, data: ["p50", "p95", "p99"] },
      tooltip: { trigger: "axis", valueFormatter: formatMs },
      xAxis: windowAxis(range),
      yAxis: { ...VALUE_AXIS, name: "", axisLabel: { ...AXIS.axisLabel, formatter: (v) => `${formatCompact(v)}` } },
      series: [line("p50", "p50", COLORS.up, 2), line("p95", "p95", COLORS.warn, 1.5), line("p99", "p99", COLORS.down, 1.5)],
    },
    { replaceMerge: ["series", "graphic"] },
  );
}

/** Dead-lettered messages per minute, stacked by rejection reason. */
export function drawDeadLetters(chart, answer, range) {
  const letters = answer?.dead_letters;
  const reasons = letters ? Object.keys(letters.by_reason).sort() : [];
  const minutes = letters?.per_minute ?? [];
  const message = !letters ? "Dead-letter counters unavailable (Redis)" : letters.total === 0 ? "No dead letters in this window" : undefined;
  chart.setOption(
    {
      graphic: message ? [emptyText(message)] : [],
      grid: { left: 36, right: 8, top: 22, bottom: 20 },
      legend: { ...LEGEND, data: reasons, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: formatCount },
      xAxis: windowAxis(range),
      yAxis: { ...VALUE_AXIS, minInterval: 1 },
      series: reasons.map((reason, i) => ({
        name: reason,
        type: "bar",
        stack: "letters",
        barMaxWidth: 10,
        itemStyle: { color: [COLORS.down, COLORS.warn, COLORS.violet, COLORS.accent][i % 4] },
        data: minutes.filter((m) => m.by_reason[reason]).map((m) => [m.minute_start, m.by_reason[reason]]),
      })),
    },
    { replaceMerge: ["series", "graphic"] },
  );
}
