// reports/reliability.md is written by more than one program (the fault suite, the soak) and
// by hand (findings, security): each program owns only the sections between its markers.

const begin = (name: string) => `<!-- begin:${name} -->`;
const end = (name: string) => `<!-- end:${name} -->`;

/** The text between a section's markers, or undefined when the document has none. */
export function sectionOf(document: string, name: string): string | undefined {
  const from = document.indexOf(begin(name));
  const to = document.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return document.slice(from + begin(name).length, to).replace(/^\n/, "").replace(/\n$/, "");
}

/**
 * The document with the section's body replaced; a section it lacks is inserted just before
 * the section named `before` (when present), else appended. Everything else is kept as it is.
 */
export function replaceSection(document: string, name: string, body: string, before?: string): string {
  const block = `${begin(name)}\n${body.trimEnd()}\n${end(name)}`;
  const from = document.indexOf(begin(name));
  const to = document.indexOf(end(name));
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end(name).length);
  const anchor = before === undefined ? -1 : document.indexOf(begin(before));
  if (anchor >= 0) return `${document.slice(0, anchor)}${block}\n\n${document.slice(anchor)}`;
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** The JSON of the last `RESULT {json}` line in a text (a report or a program's output). */
export function lastResult(text: string): Record<string, unknown> | undefined {
  const lines = text.split("\n").filter((line) => line.startsWith("RESULT {"));
  const last = lines.at(-1);
  if (!last) return undefined;
  try {
    return JSON.parse(last.slice("RESULT ".length)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface CombinedTotals {
  produced: number | null;
  stored: number | null;
  lost: number | null;
  duplicated: number | null;
  rollup_mismatches: number | null;
  fuzz_cases: number | null;
  fuzz_5xx: number | null;
  soak_passed: boolean | null;
  soak_minutes: number | null;
  faults_at: string | null;
  fuzz_at: string | null;
  soak_at: string | null;
}

const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * The totals the issue asks for, from the latest RESULT of each program (null where a program
 * has not run yet): the fault suite's by-id figures, the fuzz cases and 5xx, the soak verdict.
 */
export function combineTotals(
  faults: Record<string, unknown> | undefined,
  fuzz: Record<string, unknown> | undefined,
  soak: Record<string, unknown> | undefined,
): CombinedTotals {
  return {
    produced: num(faults?.produced),
    stored: num(faults?.stored),
    lost: num(faults?.lost),
    duplicated: num(faults?.duplicated),
    rollup_mismatches: num(faults?.rollup_mismatches),
    fuzz_cases: num(fuzz?.fuzz_cases),
    fuzz_5xx: num(fuzz?.fuzz_5xx),
    soak_passed: typeof soak?.passed === "boolean" ? soak.passed : null,
    soak_minutes: num(soak?.minutes),
    faults_at: text(faults?.at),
    fuzz_at: text(fuzz?.at),
    soak_at: text(soak?.at),
  };
}

/** The fuzz report's headline (seed, cases, time), its 5xx line and its RESULT, for the summary section. */
export function fuzzSummary(fuzzMarkdown: string | undefined): string {
  const lines = ["## Hostile input (fuzz)", ""];
  if (fuzzMarkdown === undefined) return [...lines, "`pnpm test:fuzz` has not written [fuzz.md](fuzz.md) yet."].join("\n");
  const pick = (prefix: string) => fuzzMarkdown.split("\n").find((line) => line.startsWith(prefix));
  lines.push(`\`pnpm test:fuzz\`, property-based (fast-check) over HTTP and Kafka; the whole report is [fuzz.md](fuzz.md).`, "");
  for (const line of [pick("Seed "), pick("5xx answers")]) if (line) lines.push(line, "");
  const result = pick("RESULT {");
  if (result) lines.push("```", result, "```");
  return lines.join("\n");
}

/** The closing section: the combined totals and where each comes from. */
export function totalsSection(totals: CombinedTotals): string {
  return [
    "## Totals",
    "",
    "From the latest run of each: the fault suite (produced … rollup_mismatches), `pnpm test:fuzz` (fuzz_*, read from fuzz.md now; the fault suite's own RESULT copies them as they were when it ran) and `pnpm test:soak` (soak_*).",
    "",
    "```",
    `RESULT ${JSON.stringify(totals)}`,
    "```",
  ].join("\n");
}
