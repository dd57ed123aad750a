import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";

/**
 * The valid key nearest to a misspelt one, or undefined when none is near enough to be a
 * likely typo (at most 2 edits, or a third of the key's length for long keys).
 */
export function suggestKey(typed: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const nearest = closest(typed, candidates);
  return distance(typed, nearest) <= Math.max(2, Math.floor(typed.length / 3)) ? nearest : undefined;
}

/** The keys a mapping at `path` of the schema may hold ([] where the path is not a mapping). */
export function keysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject) node = unwrap(node.shape[String(segment)] as z.ZodType | undefined);
    else if (node instanceof z.ZodArray) node = unwrap(node.element as z.ZodType);
    else return [];
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** Sees through defaults, optionals and transforms to the schema that holds the keys. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  for (;;) {
    if (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    else if (node instanceof z.ZodPipe) node = node.in as z.ZodType;
    else return node;
  }
}
