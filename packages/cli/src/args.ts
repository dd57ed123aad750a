import { parseArgs } from "node:util";
import ms from "ms";
import { UsageError } from "./cli-errors";
import { errorMessage } from "@trading-analytics/core";

// Argument parsing helpers shared by the commands: node's util.parseArgs (strict), with every
// mistake turned into a UsageError that carries the command's usage. Nothing here loads core, so
// help and usage errors answer without loading the adapters.

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export const HELP_OPTION: OptionSpec = { help: { type: "boolean", short: "h" } };

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseOptions(args: readonly string[], usage: string, options: OptionSpec, allowPositionals = false): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { ...HELP_OPTION, ...options }, allowPositionals, strict: true });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--nmae'"); keep them.
    throw new UsageError(errorMessage(error), usage);
  }
}

export function isHelp(arg: string | undefined): boolean {
  return arg === "-h" || arg === "--help" || arg === "help";
}

export function stringOption(values: ParsedArgs["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function requiredString(values: ParsedArgs["values"], name: string, usage: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === "") throw new UsageError(`--${name} is required`, usage);
  return value;
}

/** A whole number from `min` to `max`. */
export function integerOption(raw: string | undefined, name: string, usage: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${name}: a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`, usage);
  return value;
}

/** A positive number (rates may be fractional: 0.5 events per second). */
export function positiveNumberOption(raw: string | undefined, name: string, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0)) throw new UsageError(`--${name}: a positive number (got ${JSON.stringify(raw)})`, usage);
  return value;
}

/** "500ms", "30s", "5m", "2h", "1d" as milliseconds (as the configuration reads durations, with ms). */
export function parseDuration(raw: string): number | undefined {
  const value = ms(raw.trim() as ms.StringValue);
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** "30s", "5m", "2h", "1d" as milliseconds, more than zero. */
export function durationOption(raw: string | undefined, name: string, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = parseDuration(raw);
  if (value === undefined || value <= 0) throw new UsageError(`--${name}: a duration such as 30s, 5m, 2h or 1d (got ${JSON.stringify(raw)})`, usage);
  return value;
}

// Date and time with a zone (Z or ±hh:mm) as RFC 3339 requires; a date alone means its UTC midnight.
const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** An RFC 3339 time ("2025-01-31T00:00:00Z", or a date "2025-01-31" meaning its UTC midnight). */
export function parseRfc3339(raw: string, name: string, usage: string): Date {
  const date = RFC3339.test(raw) && realDay(raw.slice(0, 10)) ? new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--${name}: an RFC 3339 time such as 2025-01-31T00:00:00Z or a date 2025-01-31 (got ${JSON.stringify(raw)})`, usage);
  }
  return date;
}

/** Date would roll 2025-02-30 over to March 2; a calendar day must exist. */
function realDay(day: string): boolean {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, date));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === date;
}

/** An RFC 3339 time, or a duration back from `now` ("2h": two hours ago). */
export function parseSince(raw: string, name: string, usage: string, now: Date): Date {
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(raw.trim())) {
    const back = parseDuration(raw);
    if (back !== undefined) return new Date(now.getTime() - back);
  }
  return parseRfc3339(raw, name, usage);
}
