// Pure: the soak's Markdown section and its RESULT line.
import { max, percentile } from "./soak-stats";
import { DEFAULT_LIMITS, type FreshnessProbe, type QueryStats, type SoakLimits, type SoakSample, type SoakVerdict } from "./soak-verdicts";

export interface SoakRun {
  at: string;
  minutes: number;
  /** How the maximum was found: measured by draining a backlog, or given with --max-rate. */
  maxRate: { eventsPerSecond: number; source: "measured" | "flag"; backlog?: number; seconds?: number };
  rate: number;
  from: number;
  to: number;
  /** Events produced and stored between the first and the last sample of the soak (not the backlog). */
  produced: number;
  stored: number;
  sampledSeconds: number;
  /** Stored rows counted in PostgreSQL at the end against everything acknowledged. */
  finalCheck: { acknowledged: number; rows: number };
  queryRatePerSecond: number;
  crashes: number;
  /** Each exit nobody asked for: the process, when (minutes into the soak), how, and the end of its output. */
  crashReports?: Array<{ name: string; minute: number; status: string; output: string }>;
  limits?: SoakLimits;
}

const TIMELINE_STEP_MS = 60_000;
const fixed = (value: number | undefined, digits = 1) => (value === undefined ? "–" : value.toFixed(digits));

function checksTable(verdict: SoakVerdict): string[] {
  return [
    "| check | measured | limit | verdict |",
    "| --- | --- | --- | --- |",
    ...verdict.checks.map((check) => `| ${check.name} | ${check.measured} | ${check.limit} | ${check.passed ? "ok" : "**FAILED**"} |`),
  ];
}

function memoryTable(samples: readonly SoakSample[], verdict: SoakVerdict): string[] {
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
  const rows = apps.map((app) => {
    const values = samples.flatMap((s) => (s.rssMb[app] === undefined ? [] : [s.rssMb[app]!]));
    const heap = samples.flatMap((s) => (s.heapUsedMb?.[app] === undefined ? [] : [s.heapUsedMb[app]!]));
    const afterGc = samples.flatMap((s) => (s.heapAfterGcMb?.[app] === undefined ? [] : [s.heapAfterGcMb[app]!]));
    const last = samples.at(-1);
    return (
      `| ${app} | ${fixed(values[0])} | ${fixed(max(values))} | ${fixed(values.at(-1))} | ${fixed(verdict.rssSlopes[app], 2)} ` +
      `| ${fixed(heap[0])} | ${fixed(max(heap))} | ${fixed(heap.at(-1))} | ${fixed(verdict.heapSlopes[app], 2)} ` +
      `| ${fixed(afterGc[0])} | ${fixed(afterGc.at(-1))} | ${fixed(verdict.heapAfterGcSlopes[app], 2)} ` +
      `| ${fixed(last?.heapTotalMb?.[app])} | ${fixed(last?.externalMb?.[app])} |`
    );
  });
  return [
    "| process | RSS at start (MB) | peak | at end | RSS trend, 2nd half (MB/min) | V8 heap used at start (MB) | peak | at end | heap used trend, 2nd half (MB/min) | heap after full GC, first (MB) | at end | heap after full GC trend, 2nd half (MB/min) | V8 heap committed at end (MB) | external at end (MB) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ];
}

/** The aggregator's rollup state cache: how it filled and where it settled. */
function cacheLine(samples: readonly SoakSample[], verdict: SoakVerdict, from: number): string {
  const cached = samples.flatMap((s) => (s.rollupCache === undefined ? [] : [{ at: s.at, ...s.rollupCache }]));
  const peak = max(cached.map((c) => c.mb));
  if (cached.length === 0 || peak === undefined) return "- aggregator rollup state cache: not exported";
  const full = cached.find((c) => c.mb >= peak * 0.95)!;
  const { atHalf, atEnd, slopeMbPerMin } = verdict.rollupCache;
  return (
    `- aggregator rollup state cache (decoded rollup rows kept between cycles, capped by estimated heap): ${fixed(peak)} MB at most, ` +
    `first within 5 % of that ${((full.at - from) / 60_000).toFixed(1)} min into the run; ${atHalf?.rows ?? "–"} rows (${fixed(atHalf?.mb)} MB) at the half, ` +
    `${atEnd?.rows ?? "–"} rows (${fixed(atEnd?.mb)} MB) at the end, trend over the second half ${fixed(slopeMbPerMin, 2)} MB/min`
  );
}

function queryTable(queries: readonly QueryStats[], seconds: number): string[] {
  const rows = queries.map((q) => {
    const statuses = Object.entries(q.statuses)
      .sort()
      .map(([status, n]) => `${status}: ${n}`)
      .join(", ");
    return `| ${q.endpoint} | ${q.requests} | ${(q.requests / seconds).toFixed(1)} | ${fixed(percentile(q.latenciesMs, 50))} | ${fixed(percentile(q.latenciesMs, 99))} | ${statuses} |`;
  });
  return ["| query | requests | per s | p50 ms | p99 ms | answers |", "| --- | ---: | ---: | ---: | ---: | --- |", ...rows];
}

/** One row per minute: the last sample of the minute and the freshness of its probes. */
function timeline(samples: readonly SoakSample[], probes: readonly FreshnessProbe[], from: number, rate: number): string[] {
  const apps = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
  const rows: string[] = [];
  const minutes = Math.ceil(((samples.at(-1)?.at ?? from) - from) / TIMELINE_STEP_MS);
  for (let m = 0; m < minutes; m++) {
    const start = from + m * TIMELINE_STEP_MS;
    const inMinute = samples.filter((s) => s.at >= start && s.at < start + TIMELINE_STEP_MS);
    const last = inMinute.at(-1);
    if (!last) continue;
    const fresh = probes.filter((p) => p.sentAt >= start && p.sentAt < start + TIMELINE_STEP_MS && p.visibleAt !== undefined).map((p) => (p.visibleAt! - p.sentAt) / 1000);
    const lag = max(inMinute.map((s) => s.produced - s.stored)) ?? 0;
    const aggregation = max(inMinute.flatMap((s) => (s.aggregationLagS === undefined ? [] : [s.aggregationLagS])));
    const cache = last.rollupCache;
    rows.push(
      `| ${m + 1} | ${apps.map((app) => fixed(last.rssMb[app])).join(" | ")} | ${fixed(last.heapAfterGcMb?.aggregator)} | ${cache ? `${cache.rows} / ${fixed(cache.mb)}` : "–"} ` +
        `| ${lag} (${(lag / rate).toFixed(2)} s) | ${fixed(aggregation, 2)} | ${fixed(percentile(fresh, 50), 2)} / ${fixed(max(fresh), 2)} |`,
    );
  }
  return [
    `| minute | ${apps.map((app) => `RSS ${app} (MB)`).join(" | ")} | aggregator heap after full GC (MB) | aggregator rollup cache (rows / MB) | worst lag (events) | worst aggregation lag (s) | freshness p50 / max (s) |`,
    `| ---: | ${apps.map(() => "---:").join(" | ")} | ---: | ---: | ---: | ---: | --- |`,
    ...rows,
  ];
}

/** Each crash with the last lines its process wrote (the fleet restarted it). */
function crashLines(run: SoakRun): string[] {
  return (run.crashReports ?? []).flatMap((crash) => [
    `- **${crash.name} exited on its own** ${crash.minute.toFixed(1)} min into the soak (${crash.status}) and was restarted; the end of its output:`,
    "",
    "  ```",
    ...crash.output.trim().split("\n").slice(-12).map((line) => `  ${line.slice(0, 400)}`),
    "  ```",
  ]);
}

/** The RESULT figures of a soak run. */
export function soakResult(run: SoakRun, verdict: SoakVerdict): Record<string, unknown> {
  return {
    at: run.at,
    passed: verdict.passed,
    minutes: run.minutes,
    max_rate: run.maxRate.eventsPerSecond,
    max_rate_source: run.maxRate.source,
    rate: run.rate,
    produced: run.produced,
    stored: run.stored,
    final_rows: run.finalCheck.rows,
    final_acknowledged: run.finalCheck.acknowledged,
    rss_slope_mb_per_min: verdict.rssSlopes,
    heap_slope_mb_per_min: verdict.heapSlopes,
    heap_after_gc_slope_mb_per_min: verdict.heapAfterGcSlopes,
    rollup_cache: verdict.rollupCache,
    worst_lag_events: verdict.worstLag,
    lag_growth_events_per_min: verdict.lagGrowthPerMin,
    worst_aggregation_lag_s: verdict.worstAggregationLagS,
    freshness_p50_s: verdict.freshness.p50S,
    freshness_p95_s: verdict.freshness.p95S,
    freshness_max_s: verdict.freshness.maxS,
    freshness_probes: verdict.freshness.probes,
    queries: verdict.queries.requests,
    query_failures: verdict.queries.failures,
    crashes: run.crashes,
    failed_checks: verdict.checks.filter((check) => !check.passed).map((check) => check.name),
  };
}

export function soakSection(run: SoakRun, verdict: SoakVerdict, samples: readonly SoakSample[], probes: readonly FreshnessProbe[], queries: readonly QueryStats[]): string {
  const seconds = (run.to - run.from) / 1000;
  const limits = run.limits ?? DEFAULT_LIMITS;
  const max = run.maxRate;
  const maxText =
    max.source === "measured"
      ? `measured first by draining a backlog of ${max.backlog} events through the same processes (no queries), stored rows per second between 10 % and 90 % of it (${fixed(max.seconds)} s)`
      : "given with --max-rate";
  return [
    "## Soak",
    "",
    `\`pnpm test:soak\`, ${run.at}: ${run.minutes} min on a private Kafka/PostgreSQL/Redis (the fault suite's ports), 1 ingester, 1 aggregator, 1 query-api as processes; ` +
      `demo trading traffic (core's TradingFlow) on \`trading.events\`. **${verdict.passed ? "Passed" : "FAILED"}.**`,
    "",
    `- maximum ingest rate ${max.eventsPerSecond} events/s, ${maxText}; soak rate half of it: **${run.rate} events/s**`,
    `- from the first to the last sample of the soak (${run.sampledSeconds.toFixed(0)} s): ${run.produced} events acknowledged by Kafka (${(run.produced / run.sampledSeconds).toFixed(0)}/s), ${run.stored} stored (${(run.stored / run.sampledSeconds).toFixed(0)}/s); at the end PostgreSQL held ${run.finalCheck.rows} rows for ${run.finalCheck.acknowledged} acknowledged events (backlog, load and probes)`,
    `- queries at a steady ${run.queryRatePerSecond} requests/s in all; processes that exited on their own: ${run.crashes}`,
    `- sampled every few seconds: RSS from /proc of each app process, its V8 heap (analytics_nodejs_heap_size_used_bytes, _total_bytes, heap_used_after_gc_bytes, external_memory_bytes), the aggregator's rollup state cache (analytics_rollup_state_cache_rows, _bytes), produced − stored (the ingester's analytics_events_ingested_total), the aggregator's analytics_aggregation_lag_seconds; freshness: one \`soak.probe\` event at a time, from its send until \`events.count.soak.probe\` in the 1m rollup counts it (polled every 100 ms)`,
    `- limits: RSS slope by least squares over the second half (≤ ${limits.rssSlopeMbPerMin} MB/min); heap in use after a full GC (what live objects hold), its slope over the second half (≤ ${limits.heapAfterGcSlopeMbPerMin} MB/min); ` +
      `the aggregator's rollup state cache full by the second half (growing ≤ ${limits.rollupCacheSlopeMbPerMin} MB/min), so that the memory trends judge a process whose cache is full, not one still filling it; lag bounded at ${limits.lagSeconds} s of input and growing at most ${limits.lagGrowthSecondsPerMin} s of input per minute; freshness p95 ≤ ${limits.freshnessP95S} s and held`,
    ...crashLines(run),
    "",
    ...checksTable(verdict),
    "",
    ...memoryTable(samples, verdict),
    "",
    cacheLine(samples, verdict, run.from),
    "",
    ...queryTable(queries, seconds),
    "",
    "Minute by minute:",
    "",
    ...timeline(samples, probes, run.from, run.rate),
    "",
    "```",
    `RESULT ${JSON.stringify(soakResult(run, verdict))}`,
    "```",
  ].join("\n");
}
