import {
  type CustomEventDefinitionInput,
  customSchemaError,
  EVENT_TYPE_MAX_LENGTH,
  EVENT_TYPE_PATTERN,
  isKnownEventType,
} from "@trading-analytics/core";

export interface CustomEventBody {
  name: string;
  definition: CustomEventDefinitionInput;
}

/** A bad body: the field to blame and a message ready to return as is. */
export interface BodyError {
  field: string;
  message: string;
}

export type ParsedCustomEventBody = { ok: true; body: CustomEventBody } | { ok: false; error: BodyError };

const FIELDS = new Set(["name", "display_name", "description", "schema", "is_active"]);

/**
 * Validates a POST/PUT /api/v1/custom-events body. On PUT the name comes from the path
 * (`pathName`), and a name in the body must repeat it; on POST the body must carry it.
 */
export function parseCustomEventBody(body: unknown, pathName?: string): ParsedCustomEventBody {
  const fail = (field: string, message: string): ParsedCustomEventBody => ({ ok: false, error: { field, message } });
  if (!isPlainObject(body)) return fail("body", "body: must be a JSON object");

  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) return fail(unknown[0]!, `unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);

  if (pathName !== undefined) {
    const problem = nameProblem(pathName);
    if (problem) return fail("name", `name: ${problem}`);
    if (body.name !== undefined && body.name !== pathName) return fail("name", `name: must match the path (${pathName}) when given`);
  } else {
    if (body.name === undefined) return fail("name", "name: is required");
    if (typeof body.name !== "string") return fail("name", "name: must be a string");
    const problem = nameProblem(body.name);
    if (problem) return fail("name", `name: ${problem}`);
  }
  const name = pathName ?? (body.name as string);

  for (const field of ["display_name", "description"] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== "string") return fail(field, `${field}: must be a string`);
  }
  if (body.is_active !== undefined && typeof body.is_active !== "boolean") return fail("is_active", "is_active: must be true or false");

  if (body.schema === undefined) return fail("schema", "schema: is required");
  if (!isPlainObject(body.schema)) return fail("schema", "schema: must be a JSON Schema object");
  // The validator's own check, so the author sees exactly what the ingester would refuse, and why.
  const schemaError = customSchemaError(body.schema);
  if (schemaError) return fail("schema", schemaError);

  return {
    ok: true,
    body: {
      name,
      definition: {
        displayName: (body.display_name as string | null | undefined) ?? null,
        description: (body.description as string | null | undefined) ?? null,
        schema: body.schema,
        isActive: body.is_active ?? true,
      },
    },
  };
}

function nameProblem(name: string): string | undefined {
  if (name.length > EVENT_TYPE_MAX_LENGTH) return `must be at most ${EVENT_TYPE_MAX_LENGTH} characters`;
  if (!EVENT_TYPE_PATTERN.test(name)) return "must be a dotted lower-case name like custom.trading.signal";
  if (isKnownEventType(name)) return `${name} is a built-in event type and cannot be redefined`;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
