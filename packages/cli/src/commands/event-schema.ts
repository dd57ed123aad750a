import { newSchemaCompiler } from "@trading-analytics/core";

export type SchemaCheck = { ok: true; schema: Record<string, unknown> } | { ok: false; error: string };

/**
 * The text of a schema file as the JSON Schema object to store, or why not: not JSON, not an
 * object, or ajv cannot compile it (with the ingester's settings, so what passes here the
 * ingester can use). ajv's own message is kept: it names the keyword at fault.
 */
export function checkSchemaText(text: string, file: string): SchemaCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${file} is not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: `${file} must hold a JSON Schema object` };
  }
  try {
    // A fresh compiler per schema, so its $id cannot clash with another's.
    newSchemaCompiler().compile(parsed);
  } catch (error) {
    return { ok: false, error: `${file} is not a schema ajv can compile: ${(error as Error).message}` };
  }
  return { ok: true, schema: parsed as Record<string, unknown> };
}
