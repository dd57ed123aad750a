import { renderReport, summarize } from "./bench-report";
import type { LoadResult } from "./load-spec";
import type { ReadResult } from "./read.leg";

const cpu = { cores: { api: 0.5 }, stealPercent: 5, idlePercent: 10 };

function load(perSecond: number, p99Ms: number | undefined, connections = 1): LoadResult {
  const latency = p99Ms === undefined ? undefined : { samples: 100, p50Ms: p99Ms / 2, p90Ms: p99Ms, p99Ms, maxMs: p99Ms };
  const ok = Math.round(perSecond * 10);
  return { connections, durationSeconds: 10, ok, perSecond, latency, non2xx: 0, errors: 0, timeouts: 0, statusCodes: { 200: ok }, bytesPerSecond: 0, cpu };
}

function read(name: string, single: LoadResult, loaded: LoadResult, floorP50Ms = 1): ReadResult {
  const client = { samples: 50, p50Ms: floorP50Ms, p90Ms: floorP50Ms, p99Ms: floorP50Ms, maxMs: floorP50Ms };
  return { name, title: name, path: "/", responseBytes: 100, floor: { kind: "postgres", client, serverMs: floorP50Ms / 2, statements: 1 }, single, loaded };
}

describe("summarize", () => {
  it("judges latency targets at one connection and under load, and throughput on the loaded run", () => {
    const reads = [read("dashboard_cached", load(2_000, 1.5), load(6_000, 7, 10), 0.2), read("events_query", load(300, 12), load(800, 40, 10), 2)];
    const summary = summarize(1000, reads, undefined, { connections: 10 });
    expect(summary).toMatchObject({ dashboard_cached_p99_ms: 1.5, dashboard_cached_loaded_p99_ms: 7, dashboard_cached_rps: 6000, events_query_vs_floor: 3 });
    expect(summary.targets).toMatchObject({
      dashboard_cached_p99: true,
      dashboard_cached_p99_loaded: false,
      dashboard_cached_rps: true,
      events_query_p99: true,
      events_query_p99_loaded: false,
      batch_events_per_s: null,
    });
  });

  it("counts a run in which no response completed as a miss, not as unknown", () => {
    const reads = [read("metrics_30d_1m", load(0.5, 1800), { ...load(0, undefined, 10), ok: 0 })];
    expect(summarize(1000, reads, undefined, {}).targets).toMatchObject({ metrics_30d_1m_p99: false, metrics_30d_1m_p99_loaded: false });
  });

  it("reports a latency target the byte ceiling itself misses as out of reach, and judges the rest", () => {
    const metrics = { ...read("metrics_30d_1m_measure", load(90, 19), load(40, 340, 10), 20), ceiling: { single: load(120, 12), loaded: load(60, 210, 10) } };
    const events = { ...read("events_query", load(300, 12), load(800, 40, 10), 2), ceiling: { single: load(3000, 1), loaded: load(9000, 4, 10) } };
    const summary = summarize(1000, [metrics, events], undefined, {});
    expect(summary.targets).toMatchObject({ metrics_30d_1m_measure_p99: true, metrics_30d_1m_measure_p99_loaded: null, events_query_p99_loaded: false });
    expect(summary).toMatchObject({ metrics_30d_1m_measure_ceiling_loaded_p99_ms: 210, metrics_30d_1m_measure_ceiling_rps: 60 });
  });

  it("reports a route answering 404 as missing, never failed, and judges trading routes at one connection against their own target", () => {
    const missing: ReadResult = { name: "trading_orders_1d", title: "orders", path: "/api/v1/trading/orders?x=1", responseBytes: 0, missing: true, targetP99Ms: 50 };
    const uncached = { ...read("trading_fill_rate_1d", load(100, 20), load(300, 80, 10)), targetP99Ms: 50 };
    const cached = { ...read("trading_fill_rate_1d_cached", load(2000, 6), load(6000, 9, 10)), targetP99Ms: 5 };
    const summary = summarize(1000, [missing, uncached, cached], undefined, {});
    expect(summary).toMatchObject({ missing: ["trading_orders_1d"], failed: [], trading_fill_rate_1d_p99_vs_target: 0.4, trading_fill_rate_1d_cached_p99_vs_target: 1.2 });
    expect(summary.targets).toMatchObject({ trading_orders_1d_p99: null, trading_fill_rate_1d_p99: true, trading_fill_rate_1d_cached_p99: false });
    expect(summary.targets).not.toHaveProperty("trading_fill_rate_1d_p99_loaded");
    const report = renderReport([], [missing, uncached, cached], undefined, summary);
    expect(report).toContain("missing trading_orders_1d: GET /api/v1/trading/orders answered 404");
    expect(report).toContain("(0.40 x target)");
  });
});
