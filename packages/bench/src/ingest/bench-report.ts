// The printed outcome: a table of the legs, where their time went, the targets with pass/miss,
// and as the very last line `RESULT {json}` for scripts and CI.
import { atLeast, number, ratio, resultLine, round, type TargetRow, targetLines, type Verdict } from "../shared/report";
import type { LegResult } from "./leg";

// The throughput issue's targets: each replica count against the ceiling and the baseline.
const TARGETS = {
  /** Share of the ceiling by replica count; counts above 2 are held to the 2-replica share. */
  ratioVsCeiling: (replicas: number) => (replicas === 1 ? 0.65 : 0.8),
  ratioVsBaseline: 2,
  peakRssMb: 300,
} as const;

/** Other processes using this many cores during a leg make its numbers unreliable. */
const NOISE_CORES = 0.2;

export interface BenchSummary {
  events: number;
  ours_per_s: number | null;
  ours_best_leg: string | null;
  ceiling_per_s: number | null;
  baseline_per_s: number | null;
  ratio_vs_ceiling: number | null;
  ratio_vs_baseline: number | null;
  /** Each ours leg's share of the ceiling and multiple of the baseline, keyed by its replica count. */
  ratio_vs_ceiling_by_replicas: Record<string, number | null>;
  ratio_vs_baseline_by_replicas: Record<string, number | null>;
  peak_rss_mb: number | null;
  lost: number | null;
  duplicated: number | null;
  targets: Record<string, Verdict>;
  failed_legs: string[];
  /** The most CPU other processes took during a leg: above ~0.2 cores the numbers are noisy. */
  other_cpu_cores_max: number | null;
  [oursPerReplicaCount: `ours_${string}_per_s`]: number | null;
}

export function summarize(events: number, results: readonly LegResult[], replicaCounts: readonly number[]): BenchSummary {
  const leg = (name: string) => results.find((result) => result.leg === name && result.error === undefined);
  const ours = results.filter((result) => result.leg.startsWith("ours_") && result.error === undefined);
  const best = ours.reduce<LegResult | undefined>((a, b) => (a && (a.perSecond ?? 0) >= (b.perSecond ?? 0) ? a : b), undefined);
  const oursPerSecond = round(best?.perSecond);
  const ceiling = round(leg("ceiling")?.perSecond);
  const baseline = round(leg("baseline")?.perSecond);
  const rss = ours.flatMap((result) => result.peakRssMb ?? []);
  const peakRss = rss.length > 0 ? round(Math.max(...rss), 1) : null;
  // A failed ours leg has no check: then lost and duplicated are unknown, not 0.
  const checks = results.filter((result) => result.leg.startsWith("ours_")).map((result) => result.check);
  const complete = checks.length > 0 && checks.every((check) => check !== undefined);
  const lost = complete ? checks.reduce((sum, check) => sum + check!.lost, 0) : null;
  const duplicated = complete ? checks.reduce((sum, check) => sum + check!.duplicated, 0) : null;

  const perReplicaCount = Object.fromEntries(
    replicaCounts.map((n) => [`ours_${n}_replica${n > 1 ? "s" : ""}_per_s`, round(leg(`ours_${n}`)?.perSecond)]),
  );
  const ratioVsCeiling = ratio(oursPerSecond, ceiling);
  const ratioVsBaseline = ratio(oursPerSecond, baseline);
  const byReplicas = (against: number | null) =>
    Object.fromEntries(replicaCounts.map((n) => [String(n), ratio(round(leg(`ours_${n}`)?.perSecond), against)]));
  const measured = {
    events,
    ours_per_s: oursPerSecond,
    ...perReplicaCount,
    ours_best_leg: best?.leg ?? null,
    ceiling_per_s: ceiling,
    baseline_per_s: baseline,
    ratio_vs_ceiling: ratioVsCeiling,
    ratio_vs_baseline: ratioVsBaseline,
    ratio_vs_ceiling_by_replicas: byReplicas(ceiling),
    ratio_vs_baseline_by_replicas: byReplicas(baseline),
    peak_rss_mb: peakRss,
    lost,
    duplicated,
    failed_legs: results.filter((result) => result.error !== undefined).map((result) => result.leg),
    other_cpu_cores_max: round(Math.max(0, ...results.map((result) => result.otherCores ?? 0)), 2),
  };
  const targets = Object.fromEntries(evaluateTargets(measured).map(({ name, verdict }) => [name, verdict]));
  return { ...measured, targets };
}

function evaluateTargets(s: Omit<BenchSummary, "targets">): TargetRow[] {
  const equalsZero = (value: number | null): Verdict => (value === null ? null : value === 0);
  const perReplicaCount = Object.keys(s.ratio_vs_ceiling_by_replicas).flatMap((key): TargetRow[] => {
    const replicas = Number(key);
    const label = `${replicas} replica${replicas > 1 ? "s" : ""}`;
    const share = TARGETS.ratioVsCeiling(replicas);
    const vsCeiling = s.ratio_vs_ceiling_by_replicas[key] ?? null;
    const vsBaseline = s.ratio_vs_baseline_by_replicas[key] ?? null;
    return [
      { name: `${label} >= ${share} x ceiling`, verdict: atLeast(vsCeiling, share), actual: `${number(vsCeiling, 2)} x` },
      { name: `${label} >= ${TARGETS.ratioVsBaseline} x baseline`, verdict: atLeast(vsBaseline, TARGETS.ratioVsBaseline), actual: `${number(vsBaseline, 2)} x` },
    ];
  });
  return [
    ...perReplicaCount,
    {
      name: `peak RSS <= ${TARGETS.peakRssMb} MB per replica`,
      verdict: s.peak_rss_mb === null ? null : s.peak_rss_mb <= TARGETS.peakRssMb,
      actual: `${number(s.peak_rss_mb, 1)} MB`,
    },
    { name: "lost = 0", verdict: equalsZero(s.lost), actual: number(s.lost) },
    { name: "duplicated = 0", verdict: equalsZero(s.duplicated), actual: number(s.duplicated) },
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  // First two columns are text (left-aligned), the rest numbers (right-aligned).
  return rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd());
}

export function renderReport(header: string[], results: readonly LegResult[], summary: BenchSummary): string {
  const ceiling = summary.ceiling_per_s;
  const baseline = summary.baseline_per_s;
  const rows = [["leg", "what", "seconds", "events/s", "vs ceiling", "vs baseline", "peak RSS MB", "lost", "duplicated"]];
  for (const result of results) {
    const perSecond = result.perSecond ?? null;
    rows.push([
      result.leg,
      result.error ? `${result.description} (FAILED)` : result.description,
      number(result.seconds, 2),
      number(perSecond),
      number(ratio(perSecond, ceiling), 2),
      number(ratio(perSecond, baseline), 2),
      result.peakRssMb ? result.peakRssMb.map((mb) => mb.toFixed(0)).join(" + ") : "-",
      number(result.check?.lost),
      number(result.check?.duplicated),
    ]);
  }
  const lines = [...header, "", ...table(rows), ""];
  lines.push(`ours_per_s = ${number(summary.ours_per_s)} (best of ${results.filter((r) => r.leg.startsWith("ours_")).map((r) => `${r.leg} ${number(r.perSecond ?? null)}`).join(", ") || "nothing"})`);
  lines.push("", "where the time went:");
  for (const result of results) {
    for (const detail of result.details) lines.push(`  ${result.leg}: ${detail}`);
    if (result.check && result.check.unexpected > 0) lines.push(`  ${result.leg}: ${result.check.unexpected} stored ids were never produced`);
    if (result.error) lines.push(`  ${result.leg}: FAILED: ${result.error}`);
  }
  const noisy = results.filter((result) => (result.otherCores ?? 0) >= NOISE_CORES);
  if (noisy.length > 0) {
    const legs = noisy.map((result) => `${result.leg} ${result.otherCores!.toFixed(2)}`).join(", ");
    lines.push("", `WARNING: other processes on this machine used CPU during the legs (${legs} cores); the numbers are noisy.`);
  }
  lines.push("", "targets:", ...targetLines(evaluateTargets(summary), 36));
  lines.push("", resultLine(summary));
  return lines.join("\n") + "\n";
}
