import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./private-stack";
import { type CombinedTotals, combineTotals, fuzzSummary, lastResult, replaceSection, sectionOf, totalsSection } from "./report-sections";

export const RELIABILITY_REPORT = join(REPO_ROOT, "reports/reliability.md");
const FUZZ_REPORT = join(REPO_ROOT, "reports/fuzz.md");

const SKELETON = "# Reliability and security\n";

const readIfThere = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

/** The fuzz figures of reports/fuzz.md's RESULT line (undefined when the fuzz suite never wrote it). */
export function latestFuzzResult(): Record<string, unknown> | undefined {
  const text = readIfThere(FUZZ_REPORT);
  return text === undefined ? undefined : lastResult(text);
}

/**
 * Writes the given sections (e.g. { faults } or { soak }) into reports/reliability.md, refreshes
 * the fuzz summary from reports/fuzz.md and the closing totals, and keeps every hand-written part.
 */
export function updateReliabilityReport(sections: Record<string, string>): CombinedTotals {
  let document = readIfThere(RELIABILITY_REPORT) ?? SKELETON;
  for (const [name, body] of Object.entries(sections)) document = replaceSection(document, name, body, "totals");
  document = replaceSection(document, "fuzz", fuzzSummary(readIfThere(FUZZ_REPORT)), "totals");
  const totals = combineTotals(lastResult(sectionOf(document, "faults") ?? ""), latestFuzzResult(), lastResult(sectionOf(document, "soak") ?? ""));
  document = replaceSection(document, "totals", totalsSection(totals));
  mkdirSync(dirname(RELIABILITY_REPORT), { recursive: true });
  writeFileSync(RELIABILITY_REPORT, document);
  return totals;
}
