// The live dashboard: polls the query-api's read routes for the window chosen and follows the
// live event stream for what happens between polls (feed, per-type counts, arrival rate). A
// second tab shows the trading analytics (trading.js) over the same window.

import { apiKeyStore, AuthRequiredError, EventStream, getJson } from "./api-client.js";
import { createCharts, drawCandles, drawDeadLetters, drawFill, drawLatency, drawRate, drawTypes, drawVolume } from "./charts.js";
import { createTradingView } from "./trading.js";
import { describeEvent, formatClock, formatCount, formatMs, formatPercentValue, formatPrice, formatRate } from "./format.js";

const WINDOWS = {
  "15m": { ms: 15 * 60_000, interval: "1m" },
  "1h": { ms: 60 * 60_000, interval: "1m" },
  "6h": { ms: 6 * 60 * 60_000, interval: "5m" },
  "24h": { ms: 24 * 60 * 60_000, interval: "15m" },
};
const RATE_POLL_MS = 2_000;
const HEADLINE_POLL_MS = 5_000;
const WINDOW_POLL_MS = 10_000;
const RATE_HISTORY_POINTS = 150; // 5 minutes of 2 s points
const FEED_ROWS = 14;
const RENDER_LIVE_MS = 500;

const $ = (id) => document.getElementById(id);
const charts = createCharts(window.echarts);

const state = {
  /** "live" or "trading": the tab shown, and the one whose panels are polled. */
  view: location.hash === "#trading" ? "trading" : "live",
  window: WINDOWS[$("window-select").value] ?? WINDOWS["1h"],
  symbol: "",
  /** Per-type counts of the window from the last stats answer, and the events streamed since it was asked for. */
  typeCounts: {},
  typeDeltas: {},
  streamed: 0,
  streamedSinceTick: 0,
  rate: { stored: [], streamed: [] },
  feed: [],
  feedDirty: false,
  typesDirty: false,
  keyNeeded: false,
};

// ---- small DOM helpers -------------------------------------------------------------------

function setKpi(id, value, sub) {
  const el = $(id);
  el.querySelector(".value").textContent = value;
  if (sub !== undefined) el.querySelector(".sub").textContent = sub;
}

function setHint(id, text, isError = false) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", isError);
  el.title = text;
}

function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text ?? "";
  notice.hidden = !text;
}

function windowRange() {
  const end = new Date();
  return { start_time: new Date(end.getTime() - state.window.ms).toISOString(), end_time: end.toISOString() };
}

/** The window as a chart's time-axis bounds. */
const axisRange = ({ start_time, end_time }) => ({ min: Date.parse(start_time), max: Date.parse(end_time) });

// ---- API key -----------------------------------------------------------------------------

function askForKey() {
  if (state.keyNeeded) return;
  state.keyNeeded = true;
  document.body.dataset.streamState = "key-needed";
  $("stream-status-text").textContent = "API key needed";
  $("key-form").hidden = false;
  showNotice(apiKeyStore.get() ? "The API key was refused (unknown, revoked or without the read scope). Paste another." : "This server requires an API key: paste one with the read scope (it stays in this tab only).");
  $("key-input").focus();
}

function keyChanged() {
  state.keyNeeded = false;
  showNotice("");
  stream.restart();
  refreshAll();
}

$("key-button").addEventListener("click", () => {
  const form = $("key-form");
  form.hidden = !form.hidden;
  if (!form.hidden) $("key-input").focus();
});
$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = $("key-input").value.trim();
  if (!key) return;
  apiKeyStore.set(key);
  $("key-input").value = "";
  $("key-form").hidden = true;
  keyChanged();
});
$("key-forget").addEventListener("click", () => {
  apiKeyStore.clear();
  $("key-form").hidden = true;
  keyChanged();
});

/** Runs one panel's refresh; a failure shows in its hint and never stops the others. */
async function guarded(hintId, work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof AuthRequiredError) return askForKey();
    if (hintId) setHint(hintId, error.message, true);
  }
}

// ---- polled panels -------------------------------------------------------------------------

async function refreshRate() {
  await guarded(undefined, async () => {
    const answer = await getJson("/api/v1/internal/ingestion-metrics");
    const now = Date.now();
    const live = answer.live;
    setKpi("kpi-rate", live ? formatRate(live.events_per_second) : "–", live ? "stored, last 10 s" : "counters unavailable");
    setKpi("kpi-minute", live ? formatCount(live.events_last_minute) : "–");
    const push = (series, value) => {
      series.push([now, value]);
      if (series.length > RATE_HISTORY_POINTS) series.shift();
    };
    push(state.rate.stored, live ? live.events_per_second : null);
    push(state.rate.streamed, state.streamedSinceTick / (RATE_POLL_MS / 1000));
    state.streamedSinceTick = 0;
    drawRate(charts.rate, state.rate);
  });
}

async function refreshHeadline() {
  await guarded(undefined, async () => {
    const figures = await getJson("/api/v1/dashboard/metrics");
    const strategies = figures.active_strategies;
    setKpi("kpi-users", formatCount(figures.active_users), `${formatCount(strategies)} ${strategies === 1 ? "strategy" : "strategies"} running`);
  });
}

async function refreshTypes() {
  await guarded("types-hint", async () => {
    const asked = { ...state.typeDeltas };
    const stats = await getJson("/api/v1/events/stats", { ...windowRange(), limit: 50 });
    state.typeCounts = stats.by_type;
    // What streamed in while the question was out may be in the answer already or not; what
    // streamed in before it was asked is.
    for (const [type, n] of Object.entries(asked)) state.typeDeltas[type] = Math.max(0, (state.typeDeltas[type] ?? 0) - n);
    state.typesDirty = true;
  });
}

async function refreshFill() {
  await guarded("fill-hint", async () => {
    const rates = await getJson("/api/v1/trading/fill-rate", { ...windowRange(), interval: state.window.interval });
    drawFill(charts.fill, rates);
    setKpi("kpi-fill-rate", formatPercentValue(rates.fill_rate), `${formatPercentValue(rates.cancel_rate)} canceled · ${formatPercentValue(rates.reject_rate)} rejected`);
    setKpi("kpi-orders", formatCount(rates.orders_placed), `${formatCount(rates.orders_filled)} filled`);
    setHint("fill-hint", `${formatCount(rates.orders_placed)} placed`);
  });
}

async function refreshVolumeAndSymbols() {
  await guarded("volume-hint", async () => {
    const range = { ...windowRange(), interval: state.window.interval };
    const [volume, ticks] = await Promise.all([
      getJson("/api/v1/trading/volume", { ...range, by: "symbol" }),
      getJson("/api/v1/metrics", { metric_name: "events.count.market.data.update", ...range, dimension: "symbol" }),
    ]);
    drawVolume(charts.volume, volume);
    setHint("volume-hint", `${formatCount(volume.total_fills)} fills`);
    const symbols = new Set([...ticks.points.map((p) => p.dimension_value), ...volume.breakdown.map((row) => row.symbol)].filter(Boolean));
    updateSymbols([...symbols].sort());
  });
}

function updateSymbols(symbols) {
  const select = $("symbol-select");
  const current = [...select.options].map((o) => o.value);
  if (symbols.length === current.length && symbols.every((s, i) => s === current[i])) return;
  select.replaceChildren(...symbols.map((symbol) => new Option(symbol, symbol)));
  if (!symbols.includes(state.symbol)) state.symbol = symbols[0] ?? "";
  select.value = state.symbol;
  void refreshCandles();
}

async function refreshCandles() {
  if (!state.symbol) {
    drawCandles(charts.candles, undefined);
    return;
  }
  const symbol = state.symbol;
  await guarded("candles-hint", async () => {
    const ohlcv = await getJson("/api/v1/trading/ohlcv", { symbol, ...windowRange(), interval: state.window.interval });
    if (symbol !== state.symbol) return; // the picker moved on meanwhile
    drawCandles(charts.candles, ohlcv);
    const last = ohlcv.candles.at(-1);
    setHint("candles-hint", last ? `${ohlcv.interval} candles · close ${formatPrice(last.close)}` : ohlcv.interval);
  });
}

async function refreshLatency() {
  await guarded("latency-hint", async () => {
    const range = windowRange();
    const series = await getJson("/api/v1/metrics", { metric_name: "events.latency_ms.order.filled", ...range, interval: state.window.interval });
    drawLatency(charts.latency, series, axisRange(range));
    const s = series.summary;
    setHint("latency-hint", s ? `p50 ${formatMs(s.p50)} · p95 ${formatMs(s.p95)} · p99 ${formatMs(s.p99)}` : "no fills");
    setKpi("kpi-latency", s ? formatMs(s.p95) : "–", s ? `p50 ${formatMs(s.p50)} · p99 ${formatMs(s.p99)}` : "order.filled latency_ms");
  });
}

async function refreshDeadLetters() {
  await guarded("dead-letters-hint", async () => {
    const answer = await getJson("/api/v1/internal/dead-letters", { minutes: Math.round(state.window.ms / 60_000) });
    const minutes = answer.dead_letters?.per_minute ?? [];
    const first = minutes[0] ? Date.parse(minutes[0].minute_start) : undefined;
    drawDeadLetters(charts.deadLetters, answer, { min: first, max: first === undefined ? undefined : first + minutes.length * 60_000 });
    const letters = answer.dead_letters;
    setKpi("kpi-dead-letters", letters ? formatCount(letters.total) : "–");
    const reasons = letters ? Object.entries(letters.by_reason).sort((a, b) => b[1] - a[1]) : [];
    setHint("dead-letters-hint", reasons.length > 0 ? reasons.map(([reason, n]) => `${reason} ${formatCount(n)}`).join(" · ") : "");
  });
}

function refreshWindowed() {
  setHint("types-hint", "");
  const panels =
    state.view === "trading"
      ? trading.refresh(windowRange(), state.window.interval)
      : Promise.all([refreshTypes(), refreshFill(), refreshVolumeAndSymbols(), refreshCandles(), refreshLatency(), refreshDeadLetters()]);
  return panels.then(() => {
    $("last-updated").textContent = `updated ${formatClock(new Date())}`;
  });
}

// ---- tabs ----------------------------------------------------------------------------------

const trading = createTradingView({ echarts: window.echarts, onAuthRequired: askForKey });

function showView(view) {
  state.view = view;
  document.body.dataset.view = view;
  $("view-live").hidden = view !== "live";
  document.querySelector(".kpis").hidden = view !== "live";
  $("view-trading").hidden = view !== "trading";
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  history.replaceState(null, "", view === "trading" ? "#trading" : location.pathname + location.search);
  // Charts drawn while their tab was hidden have no size yet.
  if (view === "trading") trading.resize();
  else Object.values(charts).forEach((chart) => chart.resize());
}

for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
  tab.addEventListener("click", () => {
    if (tab.dataset.view === state.view) return;
    showView(tab.dataset.view);
    void refreshWindowed();
  });
}

function refreshAll() {
  return Promise.all([refreshRate(), refreshHeadline(), refreshWindowed()]);
}

/** Runs task now and then every periodMs after it finished (so slow answers never pile up). */
function every(periodMs, task) {
  const loop = async () => {
    await task();
    setTimeout(loop, periodMs);
  };
  setTimeout(loop, periodMs);
}

// ---- the live stream -----------------------------------------------------------------------

function onEvent(event) {
  state.streamed += 1;
  state.streamedSinceTick += 1;
  state.typeDeltas[event.event_type] = (state.typeDeltas[event.event_type] ?? 0) + 1;
  state.typesDirty = true;
  state.feed.unshift(event);
  if (state.feed.length > FEED_ROWS) state.feed.length = FEED_ROWS;
  state.feedDirty = true;
}

function renderLive() {
  setKpi("kpi-live", formatCount(state.streamed));
  if (state.typesDirty) {
    state.typesDirty = false;
    const counts = { ...state.typeCounts };
    for (const [type, n] of Object.entries(state.typeDeltas)) if (n > 0) counts[type] = (counts[type] ?? 0) + n;
    drawTypes(charts.types, counts);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (!$("types-hint").classList.contains("error")) setHint("types-hint", `${formatCount(total)} events`);
  }
  if (state.feedDirty) {
    state.feedDirty = false;
    renderFeed();
  }
}

function renderFeed() {
  const feed = $("feed");
  const shown = new Set([...feed.children].map((li) => li.dataset.eventId));
  feed.replaceChildren(
    ...state.feed.map((event) => {
      const li = document.createElement("li");
      li.dataset.eventId = event.event_id;
      li.dataset.eventType = event.event_type;
      if (!shown.has(event.event_id)) li.classList.add("new");
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = formatClock(event.timestamp);
      const type = document.createElement("span");
      type.className = `type ${event.event_type.split(".").at(-1)}`;
      type.textContent = event.event_type;
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = describeEvent(event);
      li.append(time, type, detail);
      return li;
    }),
  );
}

const stream = new EventStream({
  onEvent,
  onAuthRequired: askForKey,
  onState: (streamState) => {
    if (state.keyNeeded && streamState !== "live") return;
    document.body.dataset.streamState = streamState;
    $("stream-status-text").textContent = { connecting: "connecting", live: "live", reconnecting: "reconnecting", "key-needed": "API key needed" }[streamState] ?? streamState;
  },
});

// ---- start ---------------------------------------------------------------------------------

$("window-select").addEventListener("change", (e) => {
  state.window = WINDOWS[e.target.value] ?? WINDOWS["1h"];
  state.typeDeltas = {};
  void refreshWindowed();
});
$("symbol-select").addEventListener("change", (e) => {
  state.symbol = e.target.value;
  void refreshCandles();
});

const empty = document.createElement("li");
empty.className = "empty";
empty.textContent = "Waiting for events…";
$("feed").replaceChildren(empty);
drawTypes(charts.types, {});
drawRate(charts.rate, state.rate);

showView(state.view);
stream.start();
void refreshAll();
every(RATE_POLL_MS, refreshRate);
every(HEADLINE_POLL_MS, refreshHeadline);
every(WINDOW_POLL_MS, refreshWindowed);
setInterval(renderLive, RENDER_LIVE_MS);
