import { randomBytes } from "node:crypto";
import {
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  HealthMonitor,
  listen,
  RollupsRepository,
  SetAsideEventsRepository,
  SKETCH_MAX_BINS,
  sketchFromBytes,
} from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { createAggregatorMetrics } from "@trading-analytics/metrics";
import { AggregationCycle, auditRollups, EventTail, RollupPlan } from "@trading-analytics/rollups";
import { drain, storeEvents, TEST_PLAN, testCycle, tradingEvents } from "@trading-analytics/rollups/testing";
import { AggregatorService } from "./aggregator.service";

const MINUTE = 60_000;
const NOW = Date.now();

/** One order.filled like the ones the demo sends, with `properties` overridden. */
function filled(properties: Record<string, unknown>, timeMs = NOW - 5 * MINUTE) {
  const [event] = tradingEvents(1, { endMs: timeMs, spanMs: 1, seed: 77 });
  event!.eventType = "order.filled";
  event!.properties = { order_id: "o-1", symbol: "BTCUSDT", side: "BUY", strategy_id: "momentum", price: 100, quantity: 1, ...properties };
  return event!;
}

async function nonFiniteRollups(db: TestDatabase): Promise<number> {
  const [row] = await db.sql<{ n: string }[]>`
    select count(*)::text as n from metric_rollups
    where sum in ('NaN', 'Infinity', '-Infinity') or min in ('NaN', 'Infinity', '-Infinity') or max in ('NaN', 'Infinity', '-Infinity')
       or first_value in ('NaN', 'Infinity', '-Infinity') or last_value in ('NaN', 'Infinity', '-Infinity')`;
  return Number(row!.n);
}

describe("events the aggregator cannot fold", () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase("aggregator_set_aside");
  });

  afterEach(async () => {
    await db.drop();
  });

  it("sets aside an order.filled with price and quantity 1e200 and folds every event stored after it", async () => {
    const before = tradingEvents(300, { endMs: NOW, spanMs: 30 * MINUTE, seed: 1 });
    const poison = filled({ price: 1e200, quantity: 1e200 });
    const after = tradingEvents(300, { endMs: NOW, spanMs: 30 * MINUTE, seed: 2 });
    await storeEvents(db.sql, before);
    await storeEvents(db.sql, [poison]);
    await storeEvents(db.sql, after);

    expect(await drain(testCycle(db.sql, { maxEvents: 100 }))).toBe(600);

    const listed = await new SetAsideEventsRepository(db.sql).list({ from: new Date(0), to: new Date(NOW + 3_600_000), limit: 10 });
    expect(listed.events).toEqual([
      expect.objectContaining({ eventId: poison.eventId, eventType: "order.filled", reason: "measure_out_of_range", detail: expect.stringContaining("price=1e+200") }),
    ]);
    expect(await nonFiniteRollups(db)).toBe(0);
    const audit = await auditRollups(db.sql, TEST_PLAN);
    expect(audit.mismatches).toEqual([]);
    expect(audit.maxPercentileRelError).toBeLessThanOrEqual(0.01);
  });

  it("records a set-aside event at its stored time to the microsecond, so the tail and the audit match it", async () => {
    const poison = filled({ price: 1e200 });
    await storeEvents(db.sql, [poison]);
    // Another tool wrote it with microseconds, which a JS Date cannot hold.
    await db.sql`update events set "timestamp" = "timestamp" + interval '123 microseconds' where id = ${poison.eventId}`;
    await db.sql`update event_ids set event_time = event_time + interval '123 microseconds' where event_id = ${poison.eventId}`;
    await storeEvents(db.sql, tradingEvents(20, { endMs: NOW, spanMs: MINUTE, seed: 9 }));
    expect(await drain(testCycle(db.sql, { maxEvents: 100 }))).toBe(20);
    const [row] = await db.sql<{ same: boolean }[]>`
      select s.event_time = e."timestamp" as same from set_aside_events s join events e on e.id = s.event_id where s.event_id = ${poison.eventId}`;
    expect(row).toEqual({ same: true });
    expect((await new SetAsideEventsRepository(db.sql).recordedAmong(db.sql, [{ eventId: poison.eventId, eventTime: new Date(poison.timestamp.getTime()) }])).size).toBe(1);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("sets aside values stored as non-finite (1e400 in jsonb) and sums of ±1.7e308 that would overflow", async () => {
    const huge = [filled({ price: 1.7e308, quantity: 1 }), filled({ price: -1.7e308, quantity: 1 }), filled({ price: 1.7e308, quantity: 2 })];
    const infinite = filled({ price: 5 });
    const fine = filled({ price: 101.5, quantity: 2 });
    await storeEvents(db.sql, [...huge, infinite, fine]);
    // PostgreSQL's jsonb keeps 1e400 as a number; JSON.parse reads it as Infinity.
    await db.sql`update events set properties = jsonb_set(properties, '{quantity}', '1e400'::jsonb) where id = ${infinite.eventId}`;

    expect(await drain(testCycle(db.sql))).toBe(1);

    const reasons = await db.sql<{ event_id: string; reason: string }[]>`select event_id::text, reason from set_aside_events order by reason, event_id`;
    expect(reasons.map((r) => r.reason).sort()).toEqual(["measure_not_finite", "measure_out_of_range", "measure_out_of_range", "measure_out_of_range"]);
    expect(reasons.find((r) => r.reason === "measure_not_finite")!.event_id).toBe(infinite.eventId);
    expect(await nonFiniteRollups(db)).toBe(0);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("keeps a bucket's sketch within the bin bound when it holds a tiny and a huge value", async () => {
    await storeEvents(db.sql, [filled({ price: 1e-300, quantity: 1 }), filled({ price: 1e15, quantity: 1e-300 })]);
    expect(await drain(testCycle(db.sql))).toBe(2);
    const rows = await db.sql<{ sketch: Buffer }[]>`select sketch from metric_rollups where sketch is not null and metric_name like 'events.price.%'`;
    expect(rows.length).toBeGreaterThan(0);
    for (const { sketch } of rows) {
      const decoded = sketchFromBytes(sketch);
      expect(decoded.store.maxKey - decoded.store.minKey + 1).toBeLessThanOrEqual(SKETCH_MAX_BINS);
      expect(decoded.count).toBe(2);
    }
  });

  it("isolates an event that fails every cycle for a reason nobody foresaw, sets it aside, and folds the rest", async () => {
    // A 20 kB random symbol: a rollup key PostgreSQL's btree cannot index (SQLSTATE 54000).
    const poison = filled({ symbol: randomBytes(10_000).toString("hex") });
    await storeEvents(db.sql, tradingEvents(200, { endMs: NOW, spanMs: 30 * MINUTE, seed: 3 }));
    await storeEvents(db.sql, [poison, ...tradingEvents(200, { endMs: NOW, spanMs: 30 * MINUTE, seed: 4 })]);

    const cycle = testCycle(db.sql);
    await expect(drain(cycle)).rejects.toThrow(/index row|exceeds/);
    const isolated = await cycle.run({ isolate: true });
    expect(isolated).toMatchObject({ outcome: "folded", folded: 400, setAside: [expect.objectContaining({ eventId: poison.eventId, reason: "fold_failed" })] });
    expect(await drain(cycle)).toBe(0);
    expect(await cycle.unfoldedEvents()).toBe(0);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("refuses to blame a page whose every event fails alone, and moves on once an operator sets them aside", async () => {
    const poisons = [filled({ symbol: randomBytes(10_000).toString("hex") }), filled({ symbol: randomBytes(10_000).toString("hex") })];
    await storeEvents(db.sql, poisons);
    const cycle = testCycle(db.sql);
    await expect(cycle.run({ isolate: true })).rejects.toThrow(/every one of 2 events fails on its own/);
    expect(await cycle.unfoldedEvents()).toBe(2);
    await db.sql`insert into set_aside_events (event_id, event_time, event_type, reason, detail)
                 select id, "timestamp", event_type, 'fold_failed', 'set aside by hand' from events`;
    expect(await cycle.run({ isolate: true })).toMatchObject({ outcome: "folded", folded: 0, setAside: [] });
    expect(await cycle.unfoldedEvents()).toBe(0);
  });
});

describe("a stalled aggregator", () => {
  let db: TestDatabase;
  /** Run after each test, whatever failed in it: a server or loop left running would keep jest from exiting. */
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    db = await createTestDatabase("aggregator_stall");
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
    await db.drop();
  });

  function service(cycle: AggregationCycle, policy: { isolateAfterFailures: number; maxFailedCycles: number }) {
    const registry = createMetricsRegistry({ enabled: true, path: "/metrics", default_metrics: false }, "aggregator");
    const metrics = createAggregatorMetrics(registry);
    const logger = createLogger({ level: "error", format: "json" }, "aggregator-test");
    return { registry, service: new AggregatorService(cycle, metrics, logger, 5, () => undefined, policy) };
  }

  async function lagSeconds(registry: ReturnType<typeof createMetricsRegistry>): Promise<number> {
    const metric = await registry.getSingleMetric("analytics_aggregation_lag_seconds")!.get();
    return metric.values[0]!.value;
  }

  it("reports growing lag and fails readiness while every cycle fails, then sets the poison aside and recovers", async () => {
    const poison = filled({ symbol: randomBytes(10_000).toString("hex") });
    poison.receivedAt = new Date(Date.now() - 30_000);
    await storeEvents(db.sql, [poison, ...tradingEvents(50, { endMs: NOW, spanMs: MINUTE, seed: 5 })]);
    const cycle = new AggregationCycle(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 20_000);

    const stalled = service(cycle, { isolateAfterFailures: 1000, maxFailedCycles: 3 });
    const health = new HealthMonitor("aggregator", [stalled.service.healthcheck()]);
    const ops = await listen(createOpsApp({ health, registry: stalled.registry, metricsPath: "/metrics" }), "127.0.0.1", 0);
    cleanups.push(() => stalled.service.stop(), () => ops.close());
    const status = async (path: string) => (await fetch(`http://127.0.0.1:${ops.port}${path}`)).status;
    await expect(stalled.service.healthcheck().check()).rejects.toThrow(/fold loop is not running/);
    stalled.service.start();
    await waitUntil(() => stalled.service.consecutiveFailures >= 3);
    await expect(stalled.service.healthcheck().check()).rejects.toThrow(/aggregation cycles failed in a row/);
    // Readiness fails (within the health monitor's 1 s reuse of a check's result); liveness stays
    // up (a restart would meet the same page).
    await waitUntil(async () => (await status("/ready")) === 503, 5_000);
    expect(await status("/health")).toBe(200);
    const scraped = await (await fetch(`http://127.0.0.1:${ops.port}/metrics`)).text();
    expect(scraped).toMatch(/\nanalytics_aggregation_consecutive_failed_cycles(\{[^}]*\})? ([3-9]|\d\d)\n/);
    await ops.close();
    const lag = await lagSeconds(stalled.registry);
    expect(lag).toBeGreaterThanOrEqual(30);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await lagSeconds(stalled.registry)).toBeGreaterThan(lag + 1);
    await stalled.service.stop();

    const healing = service(cycle, { isolateAfterFailures: 2, maxFailedCycles: 3 });
    cleanups.push(() => healing.service.stop());
    healing.service.start();
    await waitUntil(async () => (await cycle.unfoldedEvents()) === 0, 30_000);
    await waitUntil(() => healing.service.consecutiveFailures === 0);
    await healing.service.healthcheck().check();
    expect(await lagSeconds(healing.registry)).toBe(0);
    const setAside = await healing.registry.getSingleMetric("analytics_events_set_aside_total")!.get();
    expect(setAside.values).toEqual([expect.objectContaining({ labels: { reason: "fold_failed" }, value: 1 })]);
    await healing.service.stop();
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
