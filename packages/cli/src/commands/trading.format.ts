import { formatTable, utcTime } from "../format/table";

/** A result column as postgres.js describes it: its name and type OID. */
export interface ResultColumn {
  name: string;
  type: number;
}

// bigint and numeric arrive as strings (postgres.js keeps their precision); the figures are plain numbers.
const NUMBER_AS_TEXT = new Set([20, 1700]);

/** A row with bigint and numeric columns as numbers. */
export function normalizeRow(columns: readonly ResultColumn[], row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, type } of columns) {
    const value = row[name];
    out[name] = NUMBER_AS_TEXT.has(type) && typeof value === "string" && value !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}

const fraction = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4, useGrouping: false });
const small = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6, useGrouping: false });

/** A cell as the table prints it: "-" for nothing, times in UTC, at most 4 decimals (6 significant digits below 1). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (value instanceof Date) return utcTime(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return String(value);
    return Math.abs(value) >= 1 ? fraction.format(value) : small.format(value);
  }
  if (typeof value === "string" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/**
 * One row reads best as a list of figures; several (one per group) as a table with a
 * column per figure. Either way every column the function returned is shown.
 */
export function figuresText(columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[]): string {
  const names = columns.map((column) => column.name);
  if (rows.length === 1) {
    const row = rows[0]!;
    return formatTable([["FIGURE", "VALUE"], ...names.map((name) => [name, cellText(row[name])])]);
  }
  return formatTable([names.map((name) => name.toUpperCase()), ...rows.map((row) => names.map((name) => cellText(row[name])))]);
}

/** The rows for --json: times as RFC 3339 strings, numbers as numbers. */
export function figuresJson(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, value instanceof Date ? value.toISOString() : value])));
}
