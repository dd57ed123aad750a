import { customSchemaError, errorMessage } from "@trading-analytics/core";

export type SchemaCheck = { ok: true; schema: Record<string, unknown> } | { ok: false; error: string };

/**
 * The text of a schema file as the JSON Schema object to store, or why not: not JSON, not an
 * object, or refused by the ingester's own check (asynchronous, a pattern RE2 cannot run, too
 * costly, or ajv cannot compile it). The message names the keyword at fault.
 */
export function checkSchemaText(text: string, file: string): SchemaCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${file} is not JSON: ${errorMessage(error)}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: `${file} must hold a JSON Schema object` };
  }
  const problem = customSchemaError(parsed as Record<string, unknown>);
  if (problem) return { ok: false, error: `${file} cannot be used: ${problem}` };
  return { ok: true, schema: parsed as Record<string, unknown> };
}
