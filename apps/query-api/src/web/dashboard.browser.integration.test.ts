import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import {
  type AnalyticsEvent,
  ApiKeysRepository,
  createLogger,
  createRedis,
  EventPartitionsRepository,
  EventsRepository,
  realtimeKeys,
  type RedisClient,
  type Sql,
} from "@trading-analytics/core";
import {
  appMain,
  type AppProcess,
  createTestDatabase,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueSuffix,
  waitFor,
} from "@trading-analytics/core/testing";
import { createTestApp } from "../test-app";

// The web dashboard in real headless Chromium (Debian's, driven by playwright-core) against the
// query-api on a real port, over rollups the aggregator process folded from known events.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const AGGREGATOR_MAIN = appMain(require, "aggregator");
const SCREENSHOT = path.resolve(__dirname, "../../../../.data/screenshots/dashboard.png");
const LAPTOP = { width: 1366, height: 768 };
// Two minutes ago: inside the lateness bound (every event is folded) and the dashboard's hour.
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;

function at(second: number, eventType: string, properties: Record<string, unknown>, userId = "trader-1"): AnalyticsEvent {
  return { eventId: randomUUID(), eventType, userId, sessionId: "s-1", properties, timestamp: new Date(MINUTE + second * 1000), receivedAt: new Date(), source: null };
}
const tick = (second: number, symbol: string, price: number, volume: number) => at(second, "market.data.update", { symbol, price, volume });
const order = (second: number, type: string, symbol: string, extra: Record<string, unknown> = {}) =>
  at(second, type, { order_id: randomUUID(), symbol, side: "BUY", strategy_id: "alpha", ...extra });

const FIXTURE = [
  tick(1, "BTCUSDT", 100, 2),
  tick(2, "BTCUSDT", 105, 1),
  tick(3, "BTCUSDT", 98, 3),
  tick(4, "BTCUSDT", 101, 4),
  tick(5, "BTCUSDT", 90, 7),
  tick(6, "ETHUSDT", 2000, 1),
  tick(7, "ETHUSDT", 2010, 2),
  tick(8, "ETHUSDT", 1990, 1),
  order(10, "order.placed", "BTCUSDT", { order_id: "o1", price: 100, quantity: 1 }),
  order(11, "order.placed", "BTCUSDT", { order_id: "o2", price: 100, quantity: 2 }),
  order(12, "order.placed", "BTCUSDT", { order_id: "o3", price: 100, quantity: 1 }),
  order(13, "order.placed", "ETHUSDT", { order_id: "o4", price: 2000, quantity: 0.5 }),
  order(14, "order.filled", "BTCUSDT", { order_id: "o1", price: 100.5, quantity: 1, is_partial: false, latency_ms: 12 }),
  order(15, "order.filled", "BTCUSDT", { order_id: "o2", price: 101, quantity: 2, is_partial: false, latency_ms: 20 }),
  order(16, "order.filled", "ETHUSDT", { order_id: "o4", price: 2000, quantity: 0.5, is_partial: false, latency_ms: 40 }),
  order(17, "order.canceled", "BTCUSDT", { order_id: "o3" }),
  at(30, "page.view", { path: "/orders" }, "viewer-2"),
];
const FIXTURE_COUNTS = { "market.data.update": 8, "order.placed": 4, "order.filled": 3, "order.canceled": 1, "page.view": 1 };

async function store(sql: Sql, events: readonly AnalyticsEvent[]): Promise<void> {
  await new EventPartitionsRepository(sql).ensureForTimes(events.map((event) => event.timestamp));
  await new EventsRepository(sql).copyMany(events);
}

async function foldedCount(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select events_folded::text as n from aggregation_cursors where name = 'rollups'`;
  return Number(row?.n ?? 0);
}

async function listen(app: ReturnType<typeof createTestApp>["app"]): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** What one ECharts chart on the page draws: its series' names and data, and its category axes. */
async function chartOf(page: Page, id: string) {
  return page.evaluate((elementId) => {
    // Runs in the page (this package compiles without the DOM's types).
    const { echarts, document } = globalThis as unknown as {
      echarts: { getInstanceByDom(el: unknown): { getOption(): Record<string, unknown> } };
      document: { getElementById(id: string): unknown };
    };
    const option = echarts.getInstanceByDom(document.getElementById(elementId)).getOption() as {
      series: Array<{ name: string; type: string; data: unknown[] }>;
      xAxis?: Array<{ data?: unknown[] }>;
      yAxis?: Array<{ data?: unknown[] }>;
    };
    return {
      series: option.series.map((s) => ({ name: s.name, type: s.type, data: s.data })),
      xCategories: option.xAxis?.[0]?.data ?? [],
      yCategories: option.yAxis?.[0]?.data ?? [],
    };
  }, id);
}

/** The texts a chart draws over itself (its "No data" message, the fill rate in the middle). */
async function chartTexts(page: Page, id: string): Promise<string[]> {
  return page.evaluate((elementId) => {
    const { echarts, document } = globalThis as unknown as {
      echarts: { getInstanceByDom(el: unknown): { getOption(): Record<string, unknown> } };
      document: { getElementById(id: string): unknown };
    };
    const option = echarts.getInstanceByDom(document.getElementById(elementId)).getOption() as { graphic?: Array<{ elements?: Array<{ style?: { text?: string } }> }> };
    return (option.graphic ?? []).flatMap((g) => g.elements ?? []).flatMap((element) => (element.style?.text ? [element.style.text] : []));
  }, id);
}

/** The body rows of a table on the page, as cell texts. */
const tableRows = (page: Page, id: string) => page.locator(`#${id} tbody tr`).evaluateAll((rows) => rows.map((row) => Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => c.textContent ?? "")));

async function typeCounts(page: Page): Promise<Record<string, number>> {
  const chart = await chartOf(page, "chart-types");
  return Object.fromEntries(chart.yCategories.map((type, i) => [type as string, chart.series[0]!.data[i] as number]));
}

/** Evaluated in the page: the stream has said ": ready". */
const STREAM_IS_LIVE = 'document.body.dataset.streamState === "live"';
const kpi = (page: Page, id: string) => page.locator(`#${id} .value`).innerText();

describe("the web dashboard in headless Chromium", () => {
  let db: TestDatabase;
  let aggregator: AppProcess;
  let redis: RedisClient;
  let setup: ReturnType<typeof createTestApp>;
  let server: Server | undefined;
  let baseUrl: string;
  let context: BrowserContext;
  let profileDir: string;
  const keyPrefix = `test-${uniqueSuffix()}:`;
  const redisConfig = { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } };

  beforeAll(async () => {
    db = await createTestDatabase("dashboard_browser");
    await store(db.sql, FIXTURE);
    const dir = mkdtempSync(path.join(tmpdir(), "dashboard-browser-"));
    const configFile = path.join(dir, "config.yaml");
    writeFileSync(configFile, `redis:\n  key_prefix: "${keyPrefix}"\nanalytics:\n  aggregation:\n    poll_interval: 50ms\n    dashboard_refresh_interval: 200ms\n`);
    const port = await freePort();
    aggregator = await startAppProcess(
      AGGREGATOR_MAIN,
      { CONFIG_FILE: configFile, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","), AGGREGATOR_PORT: String(port), LOG_LEVEL: "warn" },
      port,
    );
    await waitFor(() => foldedCount(db.sql), (n) => n === FIXTURE.length, { what: "the aggregator to fold the fixture" });

    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: keyPrefix, connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
    // What the ingesters' counters would hold: 4 events a second around now, and two dead letters this minute.
    const nowSecond = Math.floor(Date.now() / 1000);
    const batch = redis.multi();
    for (let second = nowSecond - 60; second <= nowSecond + 120; second++) batch.hSet(realtimeKeys.eventsPerSecond(keyPrefix, second), { "market.data.update": "3", "order.placed": "1" });
    batch.hSet(realtimeKeys.deadLetters(keyPrefix, Math.floor(Date.now() / 60_000)), { schema_violation: "2" });
    await batch.exec();

    setup = createTestApp(db.sql, { redis, config: redisConfig });
    ({ server, url: baseUrl } = await listen(setup.app));
    profileDir = mkdtempSync(path.join(tmpdir(), "chromium-profile-"));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: LAPTOP });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await close(server);
    await setup?.live.close();
    await aggregator?.stop("SIGTERM");
    if (redis?.isOpen) {
      for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    }
    await db?.drop();
  });

  it("draws the ingested data, follows new events live and fits a laptop screen", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => void (message.type() === "error" && problems.push(message.text())));
    await page.goto(`${baseUrl}/dashboard`);
    expect(page.url()).toBe(`${baseUrl}/dashboard/`);

    await page.waitForFunction(STREAM_IS_LIVE);
    await waitFor(() => typeCounts(page), (counts) => Object.keys(counts).length === 5, { what: "counts by type" });
    expect(await typeCounts(page)).toEqual(FIXTURE_COUNTS);

    await waitFor(() => chartOf(page, "chart-volume"), (chart) => chart.xCategories.length === 2, { what: "volume by symbol" });
    const volume = await chartOf(page, "chart-volume");
    expect(volume.xCategories).toEqual(["ETHUSDT", "BTCUSDT"]); // by notional: 1000 then 302.5
    expect(volume.series[0]!.data).toEqual([1000, 302.5]);

    // The picker lists both symbols and starts on the first; its one candle is the fixture's minute.
    await waitFor(() => chartOf(page, "chart-candles"), (chart) => chart.series[0]?.data.length === 1, { what: "the candle" });
    expect(await page.locator("#symbol-select option").allInnerTexts()).toEqual(["BTCUSDT", "ETHUSDT"]);
    let candles = await chartOf(page, "chart-candles");
    expect(candles.series[0]).toMatchObject({ name: "BTCUSDT", type: "candlestick", data: [[100, 90, 90, 105]] }); // open, close, low, high
    expect(candles.series[1]!.data).toEqual([expect.objectContaining({ value: 17 })]);
    await page.selectOption("#symbol-select", "ETHUSDT");
    await waitFor(() => chartOf(page, "chart-candles"), (chart) => chart.series[0]?.name === "ETHUSDT", { what: "ETHUSDT candles" });
    candles = await chartOf(page, "chart-candles");
    expect(candles.series[0]!.data).toEqual([[2000, 1990, 1990, 2010]]);

    await waitFor(() => kpi(page, "kpi-fill-rate"), (text) => text === "75%", { what: "the fill rate" });
    expect(await kpi(page, "kpi-orders")).toBe("4");
    expect(await page.locator("#kpi-orders .sub").innerText()).toBe("3 filled");
    const fill = await chartOf(page, "chart-fill");
    expect(fill.series[0]!.data).toEqual([
      expect.objectContaining({ name: "filled", value: 3 }),
      expect.objectContaining({ name: "partially filled", value: 0 }),
      expect.objectContaining({ name: "canceled", value: 1 }),
      expect.objectContaining({ name: "rejected", value: 0 }),
      expect.objectContaining({ name: "open", value: 0 }),
    ]);

    const latency = await waitFor(() => chartOf(page, "chart-latency"), (chart) => chart.series.length === 3 && chart.series[0]!.data.length === 1, { what: "latency" });
    expect(latency.series.map((s) => s.name)).toEqual(["p50", "p95", "p99"]);
    const served = (await (
      await fetch(`${baseUrl}/api/v1/metrics?metric_name=events.latency_ms.order.filled&interval=1m&start_time=${new Date(MINUTE).toISOString()}`)
    ).json()) as { points: Array<{ bucket_start: string; p50: number; p95: number; p99: number }> };
    const [point] = served.points;
    expect(latency.series.map((s) => s.data)).toEqual([
      [[point!.bucket_start, point!.p50]],
      [[point!.bucket_start, point!.p95]],
      [[point!.bucket_start, point!.p99]],
    ]);
    expect(point!.p50).toBeCloseTo(20, 0); // the middle of 12, 20 and 40 ms, within the sketch's accuracy
    expect(await page.locator("#latency-hint").innerText()).toMatch(/^p50 .* ms · p95 .* ms · p99 .* ms$/);

    await waitFor(() => kpi(page, "kpi-dead-letters"), (text) => text === "2", { what: "the dead letters" });
    expect((await chartOf(page, "chart-dead-letters")).series).toEqual([expect.objectContaining({ name: "schema_violation" })]);
    await waitFor(() => kpi(page, "kpi-rate"), (text) => text === "4", { what: "events per second from the ingesters' counters" });

    // A new event reaches the page over the live stream, before any poll could have shown it.
    const fresh = at(40, "page.view", { path: "/live" }, "viewer-3");
    await store(db.sql, [fresh]);
    await page.locator(`#feed li[data-event-id="${fresh.eventId}"]`).waitFor();
    expect(await page.locator(`#feed li[data-event-id="${fresh.eventId}"]`).innerText()).toContain("page.view");
    expect(await kpi(page, "kpi-live")).toBe("1");
    await waitFor(() => typeCounts(page), (counts) => counts["page.view"] === 2, { what: "page.view counted live" });

    // Usable on a laptop: nothing scrolls sideways.
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);

    await page.selectOption("#symbol-select", "BTCUSDT");
    await waitFor(() => chartOf(page, "chart-candles"), (chart) => chart.series[0]?.name === "BTCUSDT", { what: "BTCUSDT candles again" });
    await page.waitForTimeout(400); // let the charts' animations settle for the picture
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the trading analytics tab: each panel draws what its route serves, or No data when it serves nothing", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    // A route this server does not serve answers 404, which Chromium logs; the panel shows "No data".
    page.on("console", (message) => void (message.type() === "error" && !/status of 404/.test(message.text()) && problems.push(message.text())));
    await page.goto(`${baseUrl}/dashboard/`);
    await page.click("#tab-trading");
    expect(await page.locator("#tab-trading").getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#view-live").isHidden()).toBe(true);
    const PANELS = ["orders", "fill-times", "execution", "pnl", "exposure", "market-data", "sessions"];
    const stateOf = (name: string) => page.locator(`#panel-trading-${name}`).getAttribute("data-state");
    await waitFor(
      () => Promise.all(PANELS.map(stateOf)),
      (states) => states.every((state) => state !== "loading"),
      { what: "every trading panel to settle" },
    );

    // What each route serves over the page's window (the last hour holds the whole fixture).
    const range = `start_time=${new Date(Date.now() - 3_600_000).toISOString()}&end_time=${new Date().toISOString()}`;
    const served = async <T>(route: string): Promise<T | undefined> => {
      const res = await fetch(`${baseUrl}/api/v1/trading/${route}`);
      if (res.status === 404) return undefined;
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
      return (await res.json()) as T;
    };
    type Percentiles = { p50: number | null; p95: number | null; p99: number | null; volume_weighted?: number | null };
    const [orders, execution, pnl, positions, health, sessions] = await Promise.all([
      served<{ orders: Record<string, number>; breakdown?: Array<{ symbol: string }> }>(`orders?by=symbol&${range}`),
      served<{ orders_measured: number; slippage_bps: Percentiles }>(`execution?${range}`),
      served<{ series: unknown[]; closed_positions: number }>(`pnl?interval=1m&${range}`),
      served<{ exposure: Array<{ symbol: string }> }>(`positions?at=${new Date().toISOString()}`),
      served<{ symbols: Array<{ symbol: string }> }>(`market-data/health?${range}`),
      served<{ sessions: number }>(`sessions?${range}`),
    ]);
    const states = Object.fromEntries(await Promise.all(PANELS.map(async (name) => [name, await stateOf(name)] as const)));
    expect(Object.values(states).filter((state) => state === "error")).toEqual([]);

    if (orders && orders.orders.placed! > 0) {
      expect(states.orders).toBe("data");
      const pie = await chartOf(page, "chart-trading-orders");
      const counts = Object.fromEntries((pie.series[0]!.data as Array<{ name: string; value: number }>).map((d) => [d.name, d.value]));
      expect(counts).toEqual({ filled: orders.orders.filled, "partially filled": orders.orders.partially_filled, canceled: orders.orders.canceled, rejected: orders.orders.rejected, open: orders.orders.open });
      expect((await tableRows(page, "table-trading-fill-times")).map((row) => row[0])).toEqual((orders.breakdown ?? []).map((row) => row.symbol));
    } else {
      expect([states.orders, states["fill-times"]]).toEqual(["empty", "empty"]);
      expect(await chartTexts(page, "chart-trading-orders")).toEqual(["No data"]);
      expect(await tableRows(page, "table-trading-fill-times")).toEqual([["No data"]]);
    }
    if (execution && execution.orders_measured > 0) {
      expect(states.execution).toBe("data");
      const { p50, p95, p99, volume_weighted } = execution.slippage_bps;
      expect((await chartOf(page, "chart-trading-execution")).series[0]!.data).toEqual([p50, p95, p99, volume_weighted]);
    } else {
      expect(states.execution).toBe("empty");
      expect(await chartTexts(page, "chart-trading-execution")).toEqual(["No data"]);
    }
    expect(states.pnl).toBe(pnl && pnl.series.length > 0 && pnl.closed_positions > 0 ? "data" : "empty");
    if (positions && positions.exposure.length > 0) {
      expect(states.exposure).toBe("data");
      expect(new Set((await chartOf(page, "chart-trading-exposure")).xCategories)).toEqual(new Set(positions.exposure.slice(0, 12).map((row) => row.symbol)));
    } else {
      expect(states.exposure).toBe("empty");
      expect(await chartTexts(page, "chart-trading-exposure")).toEqual(["No data"]);
    }
    if (health && health.symbols.length > 0) {
      expect(states["market-data"]).toBe("data");
      expect((await tableRows(page, "table-trading-market-data")).map((row) => row[0])).toEqual(health.symbols.map((row) => row.symbol));
    } else {
      expect(states["market-data"]).toBe("empty");
      expect(await tableRows(page, "table-trading-market-data")).toEqual([["No data"]]);
    }
    if (sessions && sessions.sessions > 0) {
      expect(states.sessions).toBe("data");
      expect(await page.locator("#list-trading-sessions dd").first().innerText()).toBe(String(sessions.sessions));
    } else {
      expect(states.sessions).toBe("empty");
      expect(await page.locator("#list-trading-sessions").innerText()).toBe("No data");
    }

    // Still a laptop's screen: nothing scrolls sideways; the Live tab comes back as it was.
    expect(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
    await page.waitForTimeout(400);
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-trading.png") });
    await page.click("#tab-live");
    expect(await page.locator("#view-trading").isHidden()).toBe(true);
    await waitFor(() => typeCounts(page), (counts) => Object.keys(counts).length >= 5, { what: "the live tab again" });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("asks for an API key when the server wants one and sends it as a header, stream included", async () => {
    const { secret } = await new ApiKeysRepository(db.sql).create({ name: "dashboard viewer", scopes: ["read"] });
    const secured = createTestApp(db.sql, { redis, config: { ...redisConfig, security: { api_key_enabled: true, rate_limit: { enabled: false } } } });
    const { server: securedServer, url } = await listen(secured.app);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on("request", (req) => requested.push(req.url()));
    try {
      await page.goto(`${url}/dashboard/`);
      await page.locator("#key-input").waitFor({ state: "visible" });
      expect(await page.locator("body").getAttribute("data-stream-state")).toBe("key-needed");
      expect(await page.locator("#notice").innerText()).toContain("API key");

      await page.fill("#key-input", secret);
      await page.click("#key-form button[type=submit]");
      await page.waitForFunction(STREAM_IS_LIVE);
      await waitFor(() => typeCounts(page), (counts) => counts["order.placed"] === 4, { what: "counts with the key" });
      expect(await page.locator("#notice").isHidden()).toBe(true);
      expect(requested.filter((address) => address.includes(secret))).toEqual([]); // never in a URL

      const fresh = at(41, "order.canceled", { order_id: randomUUID(), symbol: "BTCUSDT", reason: "user" });
      await store(db.sql, [fresh]);
      await page.locator(`#feed li[data-event-id="${fresh.eventId}"]`).waitFor();
    } finally {
      await page.close();
      await close(securedServer);
      await secured.live.close();
    }
  });
});
