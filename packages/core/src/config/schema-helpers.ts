import { z } from "zod";
import { formatDuration, parseDuration } from "./duration";

// Each helper carries its own "what is allowed" sentence, which ends up in the one-line
// start-up error naming the key and the value.

export function integer(min: number, max: number, fallback: number) {
  return optionalInteger(min, max).default(fallback);
}

/** An integer that may be left out (undefined): for keys whose default is another key's value. */
export function optionalInteger(min: number, max: number) {
  const allowed = `an integer from ${min} to ${max}`;
  return z.coerce.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}

/** A finite number, fractions allowed. */
export function decimal(min: number, max: number, fallback: number) {
  const allowed = `a number from ${min} to ${max}`;
  return z.coerce.number({ error: allowed }).finite({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed }).default(fallback);
}

export function port(fallback: number) {
  return integer(1, 65535, fallback);
}

/** A duration string ("5s", "90d") validated against a range, parsed to milliseconds. */
export function duration(min: string, max: string, fallback: string) {
  // prefault (not default): the fallback string goes through the same parsing.
  return optionalDuration(min, max).prefault(fallback);
}

/** A duration that may be left out (undefined): for keys whose default is another key's value. */
export function optionalDuration(min: string, max: string) {
  const minMs = parseDuration(min)!;
  const maxMs = parseDuration(max)!;
  const allowed = `a duration like 500ms, 5s, 1m, 2h or 90d, from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`;
  return z.union([z.string(), z.number()], { error: allowed }).transform((value, ctx) => {
    const parsed = parseDuration(value);
    if (parsed === undefined || parsed < minMs || parsed > maxMs) {
      ctx.addIssue({ code: "custom", message: allowed });
      return z.NEVER;
    }
    return parsed;
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.enum(values, { error: `one of ${values.join(", ")}` }).default(fallback as never);
}

export function text(fallback: string) {
  return z.string({ error: "a string" }).default(fallback);
}

export function nonEmptyText(fallback?: string) {
  const base = z.string({ error: "a non-empty string" }).min(1, { error: "a non-empty string" });
  return fallback === undefined ? base : base.default(fallback);
}

export function flag(fallback: boolean) {
  return z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"])], { error: "true or false" })
    .transform((v) => v === true || v === "true" || v === "1")
    .prefault(fallback);
}

export function list(fallback: string[], minItems = 0) {
  const allowed = minItems > 0 ? `a list of at least ${minItems} non-empty strings` : "a list of non-empty strings";
  return z
    .array(z.string({ error: allowed }).min(1, { error: allowed }), { error: allowed })
    .min(minItems, { error: allowed })
    .default(fallback);
}

/** A section object that may be left out of the YAML entirely, in which case every key takes its default. */
export function section<T extends z.ZodRawShape>(shape: T) {
  // The cast: zod types the prefault as the fully-typed input; an empty mapping is what we mean.
  return z.strictObject(shape, { error: "a mapping of keys" }).prefault({} as never);
}

/**
 * A seed key that has no effect here: validated like the seed's value, then dropped, so a
 * seed's config file loads (seed-keys.ts says why each one is inert, and loadConfig warns).
 */
export function seedOnly(schema: z.ZodType) {
  return z.optional(schema.transform((): undefined => undefined));
}
