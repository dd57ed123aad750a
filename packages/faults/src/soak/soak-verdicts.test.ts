import { type FreshnessProbe, judgeSoak, type QueryStats, type SoakSample } from "./soak-verdicts";

const MIN = 60_000;
const RATE = 1000;
const run = { from: 0, to: 10 * MIN, rate: RATE, end: { acknowledged: 100, rows: 100, crashes: 0 } };

interface Shape {
  /** The aggregator's heap in use at a minute, garbage included (default: flat). */
  aggregatorHeap?: (minute: number) => number;
  /** The aggregator's heap in use after the latest full GC at a minute (default: flat). */
  aggregatorHeapAfterGc?: (minute: number) => number;
  /** The aggregator's rollup state cache in MB at a minute (default: full at 16 MB from the start). */
  cacheMb?: (minute: number) => number;
}

/** A sample every 5 s over 10 minutes, shaped by the functions given. */
function samples(rss: (minute: number) => number, lag: (minute: number) => number, aggregationLag = () => 0.5, shape: Shape = {}): SoakSample[] {
  const { aggregatorHeap = () => 80, aggregatorHeapAfterGc = () => 50, cacheMb = () => 16 } = shape;
  return Array.from({ length: 120 }, (_, i) => {
    const minute = (i * 5_000) / MIN;
    return {
      at: i * 5_000,
      rssMb: { ingester: rss(minute), aggregator: 150 },
      heapUsedMb: { ingester: rss(minute) / 2, aggregator: aggregatorHeap(minute) },
      heapAfterGcMb: { ingester: rss(minute) / 2 - 20, aggregator: aggregatorHeapAfterGc(minute) },
      rollupCache: { rows: Math.round(cacheMb(minute) * 250), mb: cacheMb(minute) },
      produced: 10_000 + i * 5_000,
      stored: 10_000 + i * 5_000 - lag(minute),
      consumerLag: 0,
      aggregationLagS: aggregationLag(),
    };
  });
}

const probes = (seconds: (minute: number) => number | undefined): FreshnessProbe[] =>
  Array.from({ length: 120 }, (_, i) => {
    const s = seconds((i * 5_000) / MIN);
    return { sentAt: i * 5_000, visibleAt: s === undefined ? undefined : i * 5_000 + s * 1000 };
  });

const healthyQueries: QueryStats[] = [{ endpoint: "dashboard", requests: 100, statuses: { "200": 100 }, latenciesMs: [1, 2, 3] }];
const failed = (verdict: ReturnType<typeof judgeSoak>) => verdict.checks.filter((check) => !check.passed).map((check) => check.name);

describe("judgeSoak", () => {
  it("passes a steady run: flat RSS with GC noise, bounded lag, steady freshness, clean queries", () => {
    const verdict = judgeSoak(
      samples((m) => 200 + (Math.round(m * 12) % 2) * 8, (m) => (Math.round(m * 12) % 3) * 400),
      probes(() => 0.8),
      healthyQueries,
      run,
    );
    expect(failed(verdict)).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(Math.abs(verdict.rssSlopes.ingester!)).toBeLessThan(1);
    expect(verdict.freshness).toMatchObject({ p50S: 0.8, p95S: 0.8, probes: 120, invisible: 0 });
  });

  it("fails a process whose RSS keeps growing in the second half", () => {
    const verdict = judgeSoak(samples((m) => 200 + 5 * m, () => 0), probes(() => 1), healthyQueries, run);
    expect(failed(verdict)).toEqual(["RSS trend, ingester (2nd half)", "heap after full GC trend, ingester (2nd half)"]);
    expect(verdict.rssSlopes.ingester).toBeCloseTo(5, 1);
    // The heap trend is reported beside it (not judged): here the heap holds half of the growth.
    expect(verdict.heapSlopes.ingester).toBeCloseTo(2.5, 1);
  });

  it("judges the heap by what a full GC leaves: garbage piling up between collections passes, live objects piling up fail", () => {
    // Heap used: a sawtooth of garbage growing 40 MB a minute and collected at every minute's start.
    const sawtooth = (m: number) => 60 + 40 * (m % 1);
    const garbage = judgeSoak(samples(() => 200, () => 0, undefined, { aggregatorHeap: sawtooth }), probes(() => 1), healthyQueries, run);
    expect(failed(garbage)).toEqual([]);
    expect(garbage.heapSlopes.aggregator).toBeGreaterThan(1); // heap used alone would call it a leak
    expect(garbage.heapAfterGcSlopes.aggregator).toBeCloseTo(0, 3);
    // The same sawtooth above live objects growing 3 MB/min, seen at each collection.
    const retained = judgeSoak(
      samples(() => 200, () => 0, undefined, { aggregatorHeap: (m) => sawtooth(m) + 3 * m, aggregatorHeapAfterGc: (m) => 50 + 3 * Math.floor(m) }),
      probes(() => 1),
      healthyQueries,
      run,
    );
    expect(failed(retained)).toEqual(["heap after full GC trend, aggregator (2nd half)"]);
    expect(retained.heapAfterGcSlopes.aggregator).toBeCloseTo(3, 0);
  });

  it("fails a rollup state cache still filling in the second half: the memory trends would measure it filling", () => {
    const filling = judgeSoak(samples(() => 200, () => 0, undefined, { cacheMb: (m) => 6 + 1.5 * m }), probes(() => 1), healthyQueries, run);
    expect(failed(filling)).toEqual(["aggregator rollup state cache full (2nd half)"]);
    expect(filling.rollupCache.slopeMbPerMin).toBeCloseTo(1.5, 3);
    // Full by minute 4 and sitting at its cap after: passes.
    const full = judgeSoak(samples(() => 200, () => 0, undefined, { cacheMb: (m) => Math.min(16, 6 + 2.5 * m) }), probes(() => 1), healthyQueries, run);
    expect(failed(full)).toEqual([]);
    expect(full.rollupCache.atEnd).toEqual({ rows: 4000, mb: 16 });
    // An aggregator that does not export the cache is not judged full.
    const unknown = judgeSoak(samples(() => 200, () => 0).map(({ rollupCache: _, ...sample }) => sample), probes(() => 1), healthyQueries, run);
    expect(failed(unknown)).toEqual(["aggregator rollup state cache full (2nd half)"]);
  });

  it("fails a lag that grows without bound, even while still under the absolute limit", () => {
    const verdict = judgeSoak(samples(() => 200, (m) => Math.max(0, (m - 5) * 1500)), probes(() => 1), healthyQueries, run);
    expect(failed(verdict)).toEqual(["lag trend (2nd half)"]);
  });

  it("fails a lag beyond the bound and a slow aggregator", () => {
    const verdict = judgeSoak(samples(() => 200, () => 20_000, () => 30), probes(() => 1), healthyQueries, run);
    expect(failed(verdict)).toEqual(["lag, produced − stored (2nd half, worst)", "aggregation lag (2nd half, worst)"]);
  });

  it("fails freshness that degrades in the second half, and a probe never seen", () => {
    const degrading = judgeSoak(samples(() => 200, () => 0), probes((m) => (m < 5 ? 0.5 : 3)), healthyQueries, run);
    expect(failed(degrading)).toEqual(["freshness held (p95, 2nd half vs 1st)"]);
    const lost = judgeSoak(samples(() => 200, () => 0), probes((m) => (m > 9.9 ? undefined : 0.5)), healthyQueries, run);
    expect(failed(lost)).toEqual(["freshness, produce → 1m rollup (p95)"]);
  });

  it("fails on any 5xx, failed or skipped query, and on an unfinished or crashed run", () => {
    const queries: QueryStats[] = [{ endpoint: "metrics", requests: 10, statuses: { "200": 7, "503": 1, error: 1, skipped: 1 }, latenciesMs: [] }];
    const verdict = judgeSoak(samples(() => 200, () => 0), probes(() => 1), queries, { ...run, end: { acknowledged: 100, rows: 99, crashes: 1 } });
    expect(failed(verdict)).toEqual(["queries answered without 5xx", "every acknowledged event stored (count at the end)", "processes that exited on their own"]);
    expect(verdict.queries).toEqual({ requests: 10, failures: 3 });
  });
});
