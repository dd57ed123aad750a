// Pure: what `pnpm audit --json` said, read into a verdict. The registry's audit endpoint can
// be away (this project's build machines get 405 from it): that is "unavailable", told apart
// from "clean", never counted as either a pass or a finding.

export const SEVERITIES = ["info", "low", "moderate", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Advisory {
  module: string;
  severity: Severity;
  title: string;
  url: string;
  vulnerableVersions: string;
}

export type AuditVerdict =
  | { kind: "clean"; counts: Record<Severity, number>; dependencies: number }
  | { kind: "findings"; counts: Record<Severity, number>; dependencies: number; blocking: Advisory[] }
  | { kind: "unavailable"; reason: string };

/** Advisories at or above this severity fail the check (the "no high or critical"). */
export const BLOCKING_FROM: Severity = "high";

export function readAuditOutput(stdout: string, blockingFrom: Severity = BLOCKING_FROM): AuditVerdict {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { kind: "unavailable", reason: `pnpm audit printed no JSON report: ${firstLine(stdout) || "(nothing)"}` };
  }
  if (!isObject(report)) return { kind: "unavailable", reason: "pnpm audit printed a JSON value that is not a report" };
  if (isObject(report.error)) {
    const { code, message } = report.error;
    return { kind: "unavailable", reason: `${String(code ?? "error")}: ${firstLine(String(message ?? ""))}` };
  }
  const metadata = isObject(report.metadata) ? report.metadata : undefined;
  if (!metadata || !isObject(metadata.vulnerabilities)) return { kind: "unavailable", reason: "pnpm audit's report has no metadata.vulnerabilities" };
  const tally = metadata.vulnerabilities;
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, Number(tally[severity] ?? 0) || 0])) as Record<Severity, number>;
  const dependencies = Number(metadata.totalDependencies ?? metadata.dependencies ?? 0) || 0;
  const threshold = SEVERITIES.indexOf(blockingFrom);
  const advisories = isObject(report.advisories) ? Object.values(report.advisories).filter(isObject).map(toAdvisory) : [];
  const blocking = advisories.filter((advisory) => SEVERITIES.indexOf(advisory.severity) >= threshold);
  const blockingCount = SEVERITIES.slice(threshold).reduce((sum, severity) => sum + counts[severity], 0);
  if (blocking.length === 0 && blockingCount === 0) return { kind: "clean", counts, dependencies };
  return { kind: "findings", counts, dependencies, blocking };
}

/** One line per outcome, for the terminal and the report. */
export function describeVerdict(verdict: AuditVerdict): string {
  switch (verdict.kind) {
    case "unavailable":
      return `dependency audit NOT RUN: the registry's audit service is unavailable (${verdict.reason})`;
    case "clean":
      return `dependency audit: no high or critical advisory in ${verdict.dependencies} dependencies (${tallyText(verdict.counts)})`;
    case "findings":
      return [
        `dependency audit FAILED: ${verdict.blocking.length} high or critical advisories (${tallyText(verdict.counts)})`,
        ...verdict.blocking.map((a) => `  ${a.severity} ${a.module} ${a.vulnerableVersions}: ${a.title} ${a.url}`),
      ].join("\n");
  }
}

function toAdvisory(raw: Record<string, unknown>): Advisory {
  const severity = SEVERITIES.includes(raw.severity as Severity) ? (raw.severity as Severity) : "critical"; // unknown: assume the worst
  return {
    module: String(raw.module_name ?? "?"),
    severity,
    title: String(raw.title ?? ""),
    url: String(raw.url ?? ""),
    vulnerableVersions: String(raw.vulnerable_versions ?? ""),
  };
}

function tallyText(counts: Record<Severity, number>): string {
  return SEVERITIES.map((severity) => `${counts[severity]} ${severity}`).join(", ");
}

function firstLine(text: string): string {
  return text.trim().split("\n", 1)[0]!.slice(0, 300);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
