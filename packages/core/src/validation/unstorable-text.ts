// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The dotted path of the first string or key PostgreSQL cannot store (U+0000, a lone
 * surrogate), "" for the value itself, or undefined when everything can be stored. Only a JSON
 * \u escape can put such text into a parsed value, so callers may skip this when the raw text
 * holds no "\u".
 */
export function unstorableTextPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return at;
    const found = unstorableTextPath(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
