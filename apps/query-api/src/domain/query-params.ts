import { AGGREGATION_INTERVALS, type AggregationInterval, isStorableTime } from "@trading-analytics/core";

/** A query parameter problem; routes turn it into a 400 naming the field. */
export class ParameterError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "ParameterError";
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time PostgreSQL can compare with; undefined when it is not one (Date.parse alone accepts "1"). */
export function parseRfc3339(value: string): Date | undefined {
  if (!RFC3339.test(value)) return undefined;
  const time = new Date(value);
  return isStorableTime(time) ? time : undefined;
}

/**
 * Typed access to one request's query string: each getter validates and throws a
 * ParameterError naming the parameter. Construction refuses parameters the route does not know
 * and repeated ones, so a typo is an error rather than silently ignored.
 */
export class QueryParams {
  private readonly values: Record<string, string>;

  constructor(raw: Record<string, unknown>, known: readonly string[]) {
    for (const [name, value] of Object.entries(raw)) {
      if (!known.includes(name)) throw new ParameterError(name, `unknown parameter (known: ${known.join(", ")})`);
      if (typeof value !== "string") throw new ParameterError(name, "must be given once");
    }
    this.values = raw as Record<string, string>;
  }

  text(name: string, options: { maxLength?: number; pattern?: RegExp; patternHint?: string } = {}): string | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    const maxLength = options.maxLength ?? 256;
    if (value.length === 0 || value.length > maxLength) throw new ParameterError(name, `must be 1 to ${maxLength} characters`);
    if (value.includes("\u0000")) throw new ParameterError(name, "must not hold U+0000 (%00)");
    if (options.pattern && !options.pattern.test(value)) throw new ParameterError(name, options.patternHint ?? "has an invalid format");
    return value;
  }

  requiredText(name: string, options: Parameters<QueryParams["text"]>[1] = {}): string {
    const value = this.text(name, options);
    if (value === undefined) throw new ParameterError(name, "is required");
    return value;
  }

  time(name: string): Date | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    const time = parseRfc3339(value);
    if (!time) throw new ParameterError(name, "must be an RFC 3339 time like 2025-10-03T12:00:00Z");
    return time;
  }

  /** start_time/end_time: end defaults to now, start to end minus defaultSpanMs; start before end, span bounded. */
  range(now: Date, defaultSpanMs: number, maxSpanMs = Number.POSITIVE_INFINITY): { from: Date; to: Date } {
    const to = this.time("end_time") ?? now;
    const from = this.time("start_time") ?? new Date(to.getTime() - defaultSpanMs);
    if (from.getTime() >= to.getTime()) throw new ParameterError("start_time", "must be before end_time");
    if (to.getTime() - from.getTime() > maxSpanMs) {
      throw new ParameterError("start_time", `range is longer than the ${Math.round(maxSpanMs / 86_400_000)} days allowed`);
    }
    return { from, to };
  }

  interval(name: string, configured: readonly AggregationInterval[], fallback: AggregationInterval): AggregationInterval {
    const value = this.values[name];
    if (value === undefined) return fallback;
    if (!(AGGREGATION_INTERVALS as readonly string[]).includes(value) || !configured.includes(value as AggregationInterval)) {
      throw new ParameterError(name, `must be one of ${configured.join(", ")}`);
    }
    return value as AggregationInterval;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw new ParameterError(name, `must be an integer from ${min} to ${max}`);
    return number;
  }

  flag(name: string): boolean {
    const value = this.values[name];
    if (value === undefined) return false;
    if (value !== "true" && value !== "false") throw new ParameterError(name, "must be true or false");
    return value === "true";
  }
}
