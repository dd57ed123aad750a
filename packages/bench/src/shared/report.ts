// What every bench report shares: figures rounded for RESULT and formatted for people, the
// targets with pass/miss, and the very last line `RESULT {json}` that scripts compare across runs.

/** A target met (true), missed (false), or not measured (null). */
export type Verdict = boolean | null;

export interface TargetRow {
  name: string;
  verdict: Verdict;
  actual: string;
}

/** For RESULT: null when unknown or not finite (JSON has no Infinity or NaN). */
export const round = (value: number | undefined | null, digits = 0) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

/** For people: thousands grouped, `digits` decimals, "-" when unknown. */
export const number = (value: number | undefined | null, digits = 0) =>
  value == null ? "-" : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
export const upTo = (value: number | null, ceiling: number): Verdict => (value === null ? null : value <= ceiling);
export const atLeast = (value: number | null, floor: number): Verdict => (value === null ? null : value >= floor);

const verdictText = (verdict: Verdict) => (verdict === null ? "n/a " : verdict ? "pass" : "MISS");

/** "  [pass] name  actual", names padded to `nameWidth`. */
export function targetLines(rows: readonly TargetRow[], nameWidth: number): string[] {
  return rows.map(({ name, verdict, actual }) => `  [${verdictText(verdict)}] ${name.padEnd(nameWidth)} ${actual}`);
}

/** The report's last line: what `infra/bench.sh` callers and comparisons across sessions read. */
export function resultLine(summary: object): string {
  return `RESULT ${JSON.stringify(summary)}`;
}
