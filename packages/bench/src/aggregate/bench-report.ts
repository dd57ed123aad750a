// The printed outcome: each leg's figures with the targets next to them, and as the
// very last line `RESULT {json}` for scripts and CI.
import { number, resultLine, round, type TargetRow, targetLines, upTo, type Verdict } from "../shared/report";
import type { AccuracyResult } from "./accuracy.leg";
import type { FreshnessResult } from "./freshness.leg";
import type { QueryResult } from "./query.leg";
import type { ThroughputResult } from "./throughput.leg";

export const TARGETS = {
  mismatches: 0,
  maxPercentileRelError: 0.01,
  freshnessP99Seconds: 2,
  streamPerSecond: 20_000,
  rollupVsRawSpeedup: 100,
} as const;

export interface BenchOutcome {
  throughput?: ThroughputResult;
  accuracy?: AccuracyResult;
  freshness?: FreshnessResult;
  query?: QueryResult;
  failures: string[];
}

function measure(events: number, outcome: BenchOutcome) {
  const { throughput, accuracy, freshness, query } = outcome;
  return {
    events,
    events_per_s: round(throughput?.eventsPerSecond),
    baseline_per_s: round(throughput?.baselinePerSecond),
    ratio_vs_baseline: throughput ? round(throughput.eventsPerSecond / throughput.baselinePerSecond, 2) : null,
    mismatches: accuracy?.mismatches ?? null,
    max_percentile_rel_error: round(accuracy?.maxPercentileRelError, 6),
    rollup_rows_compared: accuracy?.rowsCompared ?? null,
    freshness_p50_s: round(freshness?.p50Seconds, 3),
    freshness_p99_s: round(freshness?.p99Seconds, 3),
    stream_per_s: round(freshness?.achievedPerSecond),
    stream_batches_unfolded: freshness?.unfolded ?? null,
    query_events: query?.rawEvents ?? null,
    rollup_query_ms: round(query?.rollupMedianMs, 2),
    raw_query_ms: round(query?.rawMedianMs, 2),
    rollup_vs_raw_speedup: round(query?.speedup, 1),
    rollup_sql_query_ms: round(query?.rollupSqlMedianMs, 2),
    rollup_rows_query_ms: round(query?.rollupRowsMedianMs, 2),
    rollup_cold_query_ms: round(query?.rollupColdMedianMs, 2),
    rollup_vs_raw_speedup_cold: query ? round(query.rawMedianMs / query.rollupColdMedianMs, 1) : null,
    rollup_vs_raw_server_speedup: query ? round(query.rawServerMs / query.rollupServerMs, 1) : null,
    failed_legs: outcome.failures.map((failure) => failure.split(":")[0]!),
  };
}

type Measured = ReturnType<typeof measure>;
export type BenchSummary = Measured & { targets: Record<string, Verdict> };

export function summarize(events: number, outcome: BenchOutcome): BenchSummary {
  const measured = measure(events, outcome);
  const targets = Object.fromEntries(evaluateTargets(measured).map(({ name, verdict }) => [name, verdict]));
  return { ...measured, targets };
}

function evaluateTargets(s: Measured): TargetRow[] {
  return [
    { name: "mismatches = 0", verdict: s.mismatches === null ? null : s.mismatches === TARGETS.mismatches, actual: number(s.mismatches) },
    { name: "percentile error <= 1 %", verdict: upTo(s.max_percentile_rel_error, TARGETS.maxPercentileRelError), actual: `${number(s.max_percentile_rel_error === null ? null : s.max_percentile_rel_error * 100, 3)} %` },
    {
      name: "freshness p99 <= 2 s at 20k/s",
      verdict: s.freshness_p99_s === null || s.stream_per_s === null ? (s.stream_batches_unfolded ? false : null) : s.freshness_p99_s <= TARGETS.freshnessP99Seconds && s.stream_per_s >= 0.95 * TARGETS.streamPerSecond,
      actual: `${number(s.freshness_p99_s, 3)} s at ${number(s.stream_per_s)} events/s`,
    },
    { name: "rollup query >= 100 x raw", verdict: s.rollup_vs_raw_speedup === null ? null : s.rollup_vs_raw_speedup >= TARGETS.rollupVsRawSpeedup, actual: `${number(s.rollup_vs_raw_speedup, 1)} x` },
  ];
}

export function renderReport(header: string[], outcome: BenchOutcome, summary: BenchSummary): string {
  const { throughput: t, accuracy: a, freshness: f, query: q } = outcome;
  const lines = [...header, ""];
  if (t) {
    lines.push(
      "1. throughput (folding a stored day from scratch)",
      `   stored ${number(t.events)} events over 24 h (${number(t.late)} late by 1-6 h) in ${number(t.storeSeconds, 1)} s (COPY batches of 5,000; not part of the figure)`,
      `   aggregator: ${number(t.folded)} events folded in ${number(t.foldSeconds, 2)} s = ${number(t.eventsPerSecond)} events/s -> ${number(t.rollupRows)} rollup rows (1m..1d, counts, sums, min/max, percentiles, OHLC, dimensions, active users/sessions)`,
      `   baseline:   one INSERT ... SELECT date_trunc ... GROUP BY recomputation over the same raw events in ${number(t.baselineSeconds, 2)} s = ${number(t.baselinePerSecond)} events/s -> ${number(t.baselineRows)} rows`,
      `   ours / baseline = ${number(t.eventsPerSecond / t.baselinePerSecond, 2)} x. NOTE: the baseline computes less (counts per type only: no sums, percentiles, dimensions or distinct users)`,
      `   and must recompute everything each period, while the aggregator folds each event once.`,
      "",
    );
  }
  if (a) {
    lines.push(
      "2. accuracy (auditRollups: every rollup vs exact SQL over the raw events)",
      `   ${number(a.rowsCompared)} rows compared in ${number(a.seconds, 1)} s: ${number(a.mismatches)} mismatches (count/sum/min/max), worst percentile relative error ${number(a.maxPercentileRelError * 100, 3)} %`,
      ...a.firstMismatches.map((m) => `   mismatch: ${JSON.stringify(m)}`),
      "",
    );
  }
  if (f) {
    lines.push(
      `3. freshness (event time -> visible in rollups; ${number(f.batchSize)} events every ${f.everyMs} ms for ${f.streamSeconds} s on up to ${f.writers} connections, aggregator polling every ${f.pollIntervalMs} ms)`,
      `   stream: ${number(f.achievedPerSecond)} events/s achieved of ${number(f.targetPerSecond)} targeted, ${number(f.batches)} batches, ${number(f.unfolded)} never folded`,
      `   lag p50 ${number(f.p50Seconds, 3)} s, p99 ${number(f.p99Seconds, 3)} s, max ${number(f.maxSeconds, 3)} s (includes storing the batch)`,
      "",
    );
  }
  if (q) {
    lines.push(
      `4. query: 30 days of 1m buckets for events.count.order.filled (${number(q.buckets)} buckets), median of 5 warm runs`,
      `   data made by SQL, not through the aggregator: ${number(q.rawEvents)} raw events from one INSERT ... SELECT ... generate_series (${number(q.insertSeconds, 1)} s),`,
      `   and ${number(q.rollupRows)} 1m count rollup rows for every event type computed from them by SQL`,
      `   rollups (MetricSeriesReader.pointsJson, as GET /api/v1/metrics reads them, block texts held by the reader; ${number(q.seriesDays)} settled days and ${number(q.seriesHours)} hours as series blocks): ${number(q.rollupMedianMs, 2)} ms; raw GROUP BY date_trunc('minute'): ${number(q.rawMedianMs, 2)} ms -> ${number(q.speedup, 1)} x faster`,
      `   the same read by a new reader each time (no day text held in the process, all read from PostgreSQL): ${number(q.rollupColdMedianMs, 2)} ms -> ${number(q.rawMedianMs / q.rollupColdMedianMs, 1)} x`,
      `   the same read from metric_rollups alone (before series compaction, which took ${number(q.compactionSeconds, 1)} s): ${number(q.rollupRowsMedianMs, 2)} ms -> ${number(q.rawMedianMs / q.rollupRowsMedianMs, 1)} x`,
      `   (the same rollup rows by a bare SELECT bucket_start, count: ${number(q.rollupSqlMedianMs, 2)} ms -> ${number(q.rawMedianMs / q.rollupSqlMedianMs, 1)} x; the rest is PostgreSQL building the JSON points)`,
      `   inside PostgreSQL (EXPLAIN ANALYZE, no transfer): rollups ${number(q.rollupServerMs, 2)} ms, raw ${number(q.rawServerMs, 2)} ms -> ${number(q.rawServerMs / q.rollupServerMs, 1)} x`,
      `   both return the same counts: ${q.countsAgree ? "yes" : "NO"}`,
      "",
    );
  }
  for (const failure of outcome.failures) lines.push(`FAILED ${failure}`);
  lines.push("targets:", ...targetLines(evaluateTargets(summary), 30));
  lines.push("", resultLine(summary));
  return lines.join("\n") + "\n";
}
