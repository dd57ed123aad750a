import { z } from "zod";
import { ParameterError, parseRfc3339, QueryParams } from "../../domain/query-params";

// Each builder checks a raw parameter as QueryParams does, in the same order and words, so a
// route that parses with its contract answers every bad request exactly as it did by hand.

export interface TextOptions {
  maxLength?: number;
  pattern?: RegExp;
  patternHint?: string;
}

/** Symbols, strategy ids: what the trading routes accept as a name. */
export const NAME: TextOptions = { maxLength: 128, pattern: /^[A-Za-z0-9._:/-]+$/, patternHint: "letters, digits and . _ : / - only" };

/** QueryParams.text: 1..maxLength characters, no U+0000, the pattern if any. */
export function textParam(description: string, { maxLength = 256, pattern, patternHint }: TextOptions = {}) {
  const length = `must be 1 to ${maxLength} characters`;
  const text = z
    .string()
    .min(1, length)
    .max(maxLength, length)
    .refine((value) => !value.includes("\u0000"), "must not hold U+0000 (%00)");
  return (pattern ? text.regex(pattern, patternHint ?? "has an invalid format") : text).describe(description);
}

/** QueryParams.text then a membership check: one of a fixed list. */
export function enumParam<const T extends readonly [string, ...string[]]>(description: string, values: T, { maxLength = 256 }: { maxLength?: number } = {}) {
  return textParam(description, { maxLength })
    .refine((value) => values.includes(value), `must be one of ${values.join(", ")}`)
    .transform((value) => value as T[number])
    .meta({ enum: [...values] });
}

/** QueryParams.integer: digits only, from min to max (no max: a bound the config sets). */
export function integerParam(description: string, min: number, max?: number) {
  return z
    .string()
    .refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= (max ?? Number.MAX_SAFE_INTEGER), `must be an integer from ${min}${max === undefined ? "" : ` to ${max}`}`)
    .transform(Number)
    .meta({ type: "integer", minimum: min, ...(max === undefined ? {} : { maximum: max }), description });
}

/** A decimal number from min to max. */
export function numberParam(description: string, min: number, max: number) {
  return z
    .string()
    .refine((value) => /^\d+(\.\d+)?$/.test(value) && Number(value) >= min && Number(value) <= max, `must be a number from ${min} to ${max}`)
    .transform(Number)
    .meta({ type: "number", minimum: min, maximum: max, description });
}

/** QueryParams.time: an RFC 3339 time PostgreSQL can compare with. */
export function timeParam(description: string) {
  return z
    .string()
    .refine((value) => parseRfc3339(value) !== undefined, "must be an RFC 3339 time like 2025-10-03T12:00:00Z")
    .transform((value) => parseRfc3339(value)!)
    .meta({ format: "date-time", description });
}

/** QueryParams.flag: true or false, given once. */
export function flagParam(description: string) {
  return z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((value) => value === "true")
    .describe(description);
}

/**
 * Parses a query string with a route's declared schema: unknown and repeated parameters are
 * refused first (by QueryParams itself), then the first failing check names its parameter.
 */
export function parseQuery<T extends z.ZodObject>(schema: T, raw: Record<string, unknown>): z.output<T> {
  new QueryParams(raw, Object.keys(schema.shape));
  return parseParams(schema, raw);
}

/** Parses path parameters, or a query string whose unknown parameters are ignored. */
export function parseParams<T extends z.ZodObject>(schema: T, raw: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ParameterError(String(issue.path[0] ?? "query"), issue.message);
}

/** The names a route accepts, for the routes whose values QueryParams still checks by hand. */
export const parameterNames = (schema: z.ZodObject): string[] => Object.keys(schema.shape);
