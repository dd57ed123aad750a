// Pure: what the soak's samples say about leaks, lag, freshness and the queries.
import { firstHalf, max, percentile, secondHalf, slope } from "./soak-stats";

export interface SoakSample {
  at: number;
  /** Resident set size of each app process, MB (missing when it could not be read). */
  rssMb: Record<string, number>;
  /** V8 heap in use of each app process, MB (its analytics_nodejs_heap_size_used_bytes): tells retained objects from a heap that only grew. */
  heapUsedMb?: Record<string, number>;
  /** V8 heap in use right after the latest full collection (analytics_nodejs_heap_used_after_gc_bytes), MB: what live objects hold. */
  heapAfterGcMb?: Record<string, number>;
  /** V8 heap committed (analytics_nodejs_heap_size_total_bytes) and memory outside it held for JS objects (analytics_nodejs_external_memory_bytes), MB. */
  heapTotalMb?: Record<string, number>;
  externalMb?: Record<string, number>;
  /** The aggregator's cache of decoded rollup rows (analytics_rollup_state_cache_rows and _bytes): bounded, so it grows until full. */
  rollupCache?: { rows: number; mb: number };
  /** Events Kafka acknowledged so far (backlog, load and probes). */
  produced: number;
  /** Events the ingester stored so far (its analytics_events_ingested_total). */
  stored: number;
  /** The ingester's own analytics_consumer_lag (high watermark − committed offset, summed over partitions). */
  consumerLag: number | undefined;
  /** The aggregator's analytics_aggregation_lag_seconds. */
  aggregationLagS: number | undefined;
}

export interface FreshnessProbe {
  /** When the probe event was created and sent (its timestamp). */
  sentAt: number;
  /** When its 1m rollup showed it; undefined when it never did within the probe's timeout. */
  visibleAt: number | undefined;
}

export interface QueryStats {
  endpoint: string;
  requests: number;
  /** Answers by status ("error": no answer; "skipped": not sent, too many still in flight). */
  statuses: Record<string, number>;
  latenciesMs: number[];
}

export interface SoakLimits {
  /** RSS trend over the second half, per process. */
  rssSlopeMbPerMin: number;
  /** Trend of the heap in use after a full collection over the second half, per process. */
  heapAfterGcSlopeMbPerMin: number;
  /** Growth of the aggregator's rollup state cache over the second half: it must be full by then, or the memory trends measure it filling. */
  rollupCacheSlopeMbPerMin: number;
  /** Worst produced − stored over the second half, in seconds of input at the soak rate. */
  lagSeconds: number;
  /** Growth of produced − stored over the second half, in seconds of input per minute. */
  lagGrowthSecondsPerMin: number;
  /** Worst analytics_aggregation_lag_seconds over the second half. */
  aggregationLagS: number;
  /** p95 of produce → visible in the 1m rollup, whole run. */
  freshnessP95S: number;
  /** Second-half p95 at most this many times the first half's, plus freshnessSlackS. */
  freshnessDegradation: number;
  freshnessSlackS: number;
}

export const DEFAULT_LIMITS: SoakLimits = {
  rssSlopeMbPerMin: 2,
  heapAfterGcSlopeMbPerMin: 1,
  rollupCacheSlopeMbPerMin: 0.5,
  lagSeconds: 10,
  lagGrowthSecondsPerMin: 1,
  aggregationLagS: 10,
  freshnessP95S: 10,
  freshnessDegradation: 2,
  freshnessSlackS: 1,
};

export interface Check {
  name: string;
  measured: string;
  limit: string;
  passed: boolean;
}

export interface SoakVerdict {
  passed: boolean;
  checks: Check[];
  rssSlopes: Record<string, number | undefined>;
  /** Diagnostic, not judged: the heap-in-use trend over the second half, MB/min. */
  heapSlopes: Record<string, number | undefined>;
  /** The trend of the heap in use after a full collection over the second half, MB/min. */
  heapAfterGcSlopes: Record<string, number | undefined>;
  /** The aggregator's rollup state cache: trend over the second half (MB/min) and size at the half and at the end. */
  rollupCache: { slopeMbPerMin: number | undefined; atHalf?: { rows: number; mb: number }; atEnd?: { rows: number; mb: number } };
  worstLag: number | undefined;
  lagGrowthPerMin: number | undefined;
  worstAggregationLagS: number | undefined;
  freshness: { p50S?: number; p95S?: number; maxS?: number; firstHalfP95S?: number; secondHalfP95S?: number; probes: number; invisible: number };
  queries: { requests: number; failures: number };
}

const MINUTE_MS = 60_000;
const round = (value: number | undefined, digits = 2) => (value === undefined ? undefined : Number(value.toFixed(digits)));
const show = (value: number | undefined, unit: string, digits = 2) => (value === undefined ? "n/a" : `${value.toFixed(digits)}${unit}`);

/** Judges a soak run that produced at `rate` events/s from `from` to `to` (ms). */
export function judgeSoak(
  samples: readonly SoakSample[],
  probes: readonly FreshnessProbe[],
  queries: readonly QueryStats[],
  run: { from: number; to: number; rate: number; end?: { acknowledged: number; rows: number; crashes: number } },
  limits: SoakLimits = DEFAULT_LIMITS,
): SoakVerdict {
  const checks: Check[] = [];
  const late = secondHalf(samples, (s) => s.at, run.from, run.to);

  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
  const rssSlopes: Record<string, number | undefined> = {};
  for (const app of apps) {
    const points = late.filter((s) => s.rssMb[app] !== undefined).map((s) => ({ x: s.at / MINUTE_MS, y: s.rssMb[app]! }));
    const trend = slope(points);
    rssSlopes[app] = round(trend, 3);
    checks.push({
      name: `RSS trend, ${app} (2nd half)`,
      measured: show(trend, " MB/min", 3),
      limit: `≤ ${limits.rssSlopeMbPerMin} MB/min`,
      passed: trend !== undefined && trend <= limits.rssSlopeMbPerMin,
    });
  }

  const heapSlopes: Record<string, number | undefined> = {};
  const heapAfterGcSlopes: Record<string, number | undefined> = {};
  for (const app of apps) {
    const points = late.filter((s) => s.heapUsedMb?.[app] !== undefined).map((s) => ({ x: s.at / MINUTE_MS, y: s.heapUsedMb![app]! }));
    heapSlopes[app] = round(slope(points), 3);
    const live = late.filter((s) => s.heapAfterGcMb?.[app] !== undefined).map((s) => ({ x: s.at / MINUTE_MS, y: s.heapAfterGcMb![app]! }));
    const trend = slope(live);
    heapAfterGcSlopes[app] = round(trend, 3);
    checks.push({
      name: `heap after full GC trend, ${app} (2nd half)`,
      measured: show(trend, " MB/min", 3),
      limit: `≤ ${limits.heapAfterGcSlopeMbPerMin} MB/min`,
      passed: trend !== undefined && trend <= limits.heapAfterGcSlopeMbPerMin,
    });
  }

  const cached = late.flatMap((s) => (s.rollupCache === undefined ? [] : [{ at: s.at, ...s.rollupCache }]));
  const cacheTrend = slope(cached.map((c) => ({ x: c.at / MINUTE_MS, y: c.mb })));
  const sizeOf = (c: { rows: number; mb: number } | undefined) => (c === undefined ? undefined : { rows: c.rows, mb: c.mb });
  const rollupCache = { slopeMbPerMin: round(cacheTrend, 3), atHalf: sizeOf(cached[0]), atEnd: sizeOf(cached.at(-1)) };
  checks.push({
    name: "aggregator rollup state cache full (2nd half)",
    measured:
      cacheTrend === undefined
        ? "n/a (not exported)"
        : `${cacheTrend.toFixed(3)} MB/min, ${rollupCache.atHalf!.rows} rows (${rollupCache.atHalf!.mb.toFixed(1)} MB) at the half, ${rollupCache.atEnd!.rows} (${rollupCache.atEnd!.mb.toFixed(1)} MB) at the end`,
    limit: `growing ≤ ${limits.rollupCacheSlopeMbPerMin} MB/min`,
    passed: cacheTrend !== undefined && cacheTrend <= limits.rollupCacheSlopeMbPerMin,
  });

  const lag = late.map((s) => ({ x: s.at / MINUTE_MS, y: s.produced - s.stored }));
  const worstLag = max(lag.map((p) => p.y));
  checks.push({
    name: "lag, produced − stored (2nd half, worst)",
    measured: worstLag === undefined ? "n/a" : `${worstLag} events (${(worstLag / run.rate).toFixed(2)} s of input)`,
    limit: `≤ ${limits.lagSeconds} s of input (${Math.round(limits.lagSeconds * run.rate)} events)`,
    passed: worstLag !== undefined && worstLag <= limits.lagSeconds * run.rate,
  });
  const growth = slope(lag);
  checks.push({
    name: "lag trend (2nd half)",
    measured: growth === undefined ? "n/a" : `${growth.toFixed(0)} events/min`,
    limit: `≤ ${limits.lagGrowthSecondsPerMin} s of input per min (${Math.round(limits.lagGrowthSecondsPerMin * run.rate)} events/min)`,
    passed: growth !== undefined && growth <= limits.lagGrowthSecondsPerMin * run.rate,
  });

  const aggregationLags = late.flatMap((s) => (s.aggregationLagS === undefined ? [] : [s.aggregationLagS]));
  const worstAggregationLag = max(aggregationLags);
  checks.push({
    name: "aggregation lag (2nd half, worst)",
    measured: show(worstAggregationLag, " s"),
    limit: `≤ ${limits.aggregationLagS} s`,
    passed: worstAggregationLag !== undefined && worstAggregationLag <= limits.aggregationLagS,
  });

  const seconds = (list: readonly FreshnessProbe[]) => list.flatMap((p) => (p.visibleAt === undefined ? [] : [(p.visibleAt - p.sentAt) / 1000]));
  const all = seconds(probes);
  const invisible = probes.length - all.length;
  const p95 = percentile(all, 95);
  const firstP95 = percentile(seconds(firstHalf(probes, (p) => p.sentAt, run.from, run.to)), 95);
  const secondP95 = percentile(seconds(secondHalf(probes, (p) => p.sentAt, run.from, run.to)), 95);
  checks.push({
    name: "freshness, produce → 1m rollup (p95)",
    measured: `${show(p95, " s")} over ${probes.length} probes, ${invisible} never visible`,
    limit: `≤ ${limits.freshnessP95S} s, every probe visible`,
    passed: p95 !== undefined && p95 <= limits.freshnessP95S && invisible === 0,
  });
  const heldLimit = firstP95 === undefined ? undefined : firstP95 * limits.freshnessDegradation + limits.freshnessSlackS;
  checks.push({
    name: "freshness held (p95, 2nd half vs 1st)",
    measured: `${show(secondP95, " s")} vs ${show(firstP95, " s")}`,
    limit: `≤ ${limits.freshnessDegradation} × 1st half + ${limits.freshnessSlackS} s`,
    passed: secondP95 !== undefined && heldLimit !== undefined && secondP95 <= heldLimit,
  });

  const requests = queries.reduce((sum, q) => sum + q.requests, 0);
  const failures = queries.reduce((sum, q) => sum + Object.entries(q.statuses).filter(([status]) => status === "error" || status === "skipped" || Number(status) >= 500).reduce((n, [, c]) => n + c, 0), 0);
  checks.push({ name: "queries answered without 5xx", measured: `${requests - failures}/${requests}`, limit: "no 5xx, none failed or skipped", passed: requests > 0 && failures === 0 });

  if (run.end) {
    const { acknowledged, rows, crashes } = run.end;
    checks.push({ name: "every acknowledged event stored (count at the end)", measured: `${rows} rows for ${acknowledged} events`, limit: "equal", passed: rows === acknowledged });
    checks.push({ name: "processes that exited on their own", measured: String(crashes), limit: "0", passed: crashes === 0 });
  }

  return {
    passed: checks.every((check) => check.passed),
    checks,
    rssSlopes,
    heapSlopes,
    heapAfterGcSlopes,
    rollupCache,
    worstLag,
    lagGrowthPerMin: round(growth, 1),
    worstAggregationLagS: round(worstAggregationLag, 3),
    freshness: {
      p50S: round(percentile(all, 50), 3),
      p95S: round(p95, 3),
      maxS: round(max(all), 3),
      firstHalfP95S: round(firstP95, 3),
      secondHalfP95S: round(secondP95, 3),
      probes: probes.length,
      invisible,
    },
    queries: { requests, failures },
  };
}
