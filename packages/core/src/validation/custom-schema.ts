import type Ajv from "ajv";
import type { AnySchemaObject, ValidateFunction } from "ajv";
import traverse from "json-schema-traverse";
import { MAX_PATTERN_CHARS, patternProgram } from "./linear-regexp";
import { evaluationCostProblem, SCHEMA_COST_LIMITS, schemaGraph } from "./schema-cost";

/**
 * Bounds on a custom event schema document, so compiling it stays cheap. What checking one event
 * costs is bounded apart (SCHEMA_COST_LIMITS): $refs and patterns make it more than the size.
 */
export const CUSTOM_SCHEMA_LIMITS = {
  /** Serialized JSON, in bytes. */
  maxBytes: 64 * 1024,
  /** Nesting of JSON objects and arrays in the schema document. */
  maxDepth: 32,
  /** `uniqueItems` compares object or array items pairwise (quadratic): allowed only up to this `maxItems`. */
  maxUniqueItemsCompared: 1000,
} as const;

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

/**
 * Why a custom event schema cannot be accepted before compiling it, or undefined: too big or
 * deep, asynchronous, a pattern RE2 cannot run or too large a program, an unbounded pairwise
 * `uniqueItems`, $refs that loop without descending into the event or that are no pointer into
 * the schema, or too many subschemas or pattern instructions applied to one value of an event.
 * Each message starts with "schema" and names the place as a JSON pointer.
 */
export function customSchemaProblem(schema: Record<string, unknown>): string | undefined {
  const depth = nestingDepth(schema, CUSTOM_SCHEMA_LIMITS.maxDepth);
  if (depth > CUSTOM_SCHEMA_LIMITS.maxDepth) return `schema: nests deeper than ${CUSTOM_SCHEMA_LIMITS.maxDepth} levels`;
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > CUSTOM_SCHEMA_LIMITS.maxBytes) return `schema: is ${bytes} bytes; at most ${CUSTOM_SCHEMA_LIMITS.maxBytes} are accepted`;

  const programs = new Map<string, number>();
  let problem: string | undefined;
  traverse(schema, { allKeys: true }, (subschema, pointer) => {
    problem ??= subschemaProblem(subschema, pointer || "/", programs);
  });
  problem ??= endlessRecursion(schema);
  if (problem) return problem;
  const rootId = typeof schema.$id === "string" ? schema.$id.replace(/#$/, "") : undefined;
  const graph = schemaGraph(schema, (ref) => localPointer(ref, rootId), (subschema) =>
    patternsOf(subschema, "").reduce((sum, { pattern }) => sum + (programs.get(pattern) ?? 0), 0),
  );
  return typeof graph === "string" ? graph : evaluationCostProblem(graph);
}

/** Keywords that apply a subschema to the same value, not to a part of it. */
const IN_PLACE_SINGLE = ["not", "if", "then", "else"] as const;
const IN_PLACE_LISTS = ["allOf", "anyOf", "oneOf"] as const;

/**
 * A chain of local $refs and in-place keywords (allOf, not, if…) that comes back to where it
 * started without descending into the event would recurse until the stack overflows on every
 * event, e.g. {"$ref": "#"}. Recursion through properties or items is fine: the event's depth ends it.
 */
function endlessRecursion(schema: Record<string, unknown>): string | undefined {
  const edges = new Map<string, string[]>();
  const rootId = typeof schema.$id === "string" ? schema.$id.replace(/#$/, "") : undefined;
  traverse(schema, { allKeys: true }, (subschema, pointer) => {
    const next: string[] = [];
    for (const keyword of IN_PLACE_SINGLE) if (isObject(subschema[keyword])) next.push(`${pointer}/${keyword}`);
    for (const keyword of IN_PLACE_LISTS) {
      const list: unknown = subschema[keyword];
      if (Array.isArray(list)) list.forEach((item, index) => isObject(item) && next.push(`${pointer}/${keyword}/${index}`));
    }
    // dependencies: {"a": schema} applies the schema to the same object when it has "a".
    const dependencies: unknown = subschema.dependencies;
    if (isObject(dependencies)) {
      for (const [key, value] of Object.entries(dependencies)) if (isObject(value)) next.push(`${pointer}/dependencies/${escapePointer(key)}`);
    }
    const target = typeof subschema.$ref === "string" ? localPointer(subschema.$ref, rootId) : undefined;
    if (target !== undefined) next.push(target);
    edges.set(pointer, next);
  });

  const state = new Map<string, "visiting" | "done">();
  const visit = (pointer: string): string | undefined => {
    if (state.get(pointer) === "done") return undefined;
    if (state.get(pointer) === "visiting") return pointer;
    state.set(pointer, "visiting");
    for (const next of edges.get(pointer) ?? []) {
      const loop = visit(next);
      if (loop !== undefined) return loop;
    }
    state.set(pointer, "done");
    return undefined;
  };
  for (const pointer of edges.keys()) {
    const loop = visit(pointer);
    if (loop !== undefined) {
      return `schema: the $ref chain through ${loop || "/"} comes back to itself without descending into the event, so checking would never end`;
    }
  }
  return undefined;
}

/** The JSON pointer a $ref names inside this schema ("#", "#/definitions/a", or the root's $id with either), else undefined. */
function localPointer(ref: string, rootId: string | undefined): string | undefined {
  let fragment: string | undefined;
  if (ref.startsWith("#")) fragment = ref.slice(1);
  else if (rootId !== undefined && ref.startsWith(`${rootId}#`)) fragment = ref.slice(rootId.length + 1);
  else if (rootId !== undefined && ref === rootId) fragment = "";
  if (fragment === undefined || (fragment !== "" && !fragment.startsWith("/"))) return undefined;
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** The subschema's own patterns: `pattern` (matched against a string) and `patternProperties` keys (against an object's keys). */
function patternsOf(schema: traverse.SchemaObject, at: string): { pattern: string; where: string }[] {
  const base = at === "/" ? "" : at;
  return [
    ...(typeof schema.pattern === "string" ? [{ pattern: schema.pattern, where: `${base}/pattern` }] : []),
    ...(isObject(schema.patternProperties) ? Object.keys(schema.patternProperties).map((pattern) => ({ pattern, where: `${base}/patternProperties` })) : []),
  ];
}

/** Checks one subschema; `programs` collects each pattern's RE2 program size. */
function subschemaProblem(schema: traverse.SchemaObject, at: string, programs: Map<string, number>): string | undefined {
  if ("$async" in schema) {
    return `schema: $async at ${at} is not supported: events are validated synchronously, so asynchronous schemas are refused`;
  }
  for (const { pattern, where } of patternsOf(schema, at)) {
    const quoted = JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern);
    if (pattern.length > MAX_PATTERN_CHARS) return `schema: pattern ${quoted} at ${where} is ${pattern.length} characters long; at most ${MAX_PATTERN_CHARS} are accepted`;
    const program = patternProgram(pattern);
    if (!program.ok) {
      return `schema: pattern ${quoted} at ${where} is not supported: patterns run on RE2 (linear time), which has no backreferences or lookaround (${program.problem})`;
    }
    if (program.instructions > SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue) {
      return `schema: pattern ${quoted} at ${where} compiles to ${program.instructions} RE2 instructions; at most ${SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue} are accepted, since matching costs up to instructions × the value's length (use "enum" for a list of values, "maxLength" rather than a counted repetition)`;
    }
    programs.set(pattern, program.instructions);
  }
  if (schema.uniqueItems === true && !uniqueItemsIsCheap(schema)) {
    return `schema: uniqueItems at ${at} needs "maxItems" of at most ${CUSTOM_SCHEMA_LIMITS.maxUniqueItemsCompared}, or "items" of a scalar "type": object and array items are compared pairwise`;
  }
  return undefined;
}

/** ajv hashes items of scalar types (linear); anything else it compares pairwise. */
function uniqueItemsIsCheap(schema: traverse.SchemaObject): boolean {
  if (typeof schema.maxItems === "number" && schema.maxItems <= CUSTOM_SCHEMA_LIMITS.maxUniqueItemsCompared) return true;
  const items: unknown = schema.items;
  if (!isObject(items)) return false;
  const types: unknown[] = Array.isArray(items.type) ? items.type : [items.type];
  return types.length > 0 && types.every((type) => typeof type === "string" && SCALAR_TYPES.has(type));
}

/** How deep objects and arrays nest (counting stops just past `limit`); iterative, so no input overflows the stack. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== "object" || next.value === null) continue;
    deepest = Math.max(deepest, next.depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return deepest;
}

export type CompiledCustomSchema = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };

/** The schema checked for cost, then compiled (never asynchronous), or why it cannot be used. */
export function compileCustomSchema(ajv: Ajv, schema: Record<string, unknown>): CompiledCustomSchema {
  // A stored schema may be any JSON (the table takes jsonb); the API only ever stores objects.
  if (!isObject(schema)) return { ok: false, problem: "schema: must be a JSON Schema object" };
  const problem = customSchemaProblem(schema);
  if (problem) return { ok: false, problem };
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as AnySchemaObject) as ValidateFunction;
  } catch (error) {
    return { ok: false, problem: compileErrorMessage(error) };
  } finally {
    // Each definition stands alone: its $id (kept only while compiling, so "#" refs resolve) never clashes with another's.
    ajv.removeSchema(schema as AnySchemaObject);
  }
  // Belt and braces: a validator returning a promise could reject with nobody listening.
  if ((validate as { $async?: unknown }).$async) return { ok: false, problem: "schema: compiles to an asynchronous validator; only synchronous schemas are accepted" };
  return { ok: true, validate };
}

/** ajv's message, kept (it names the keyword at fault), with the rule behind an unresolved $ref. */
function compileErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missingRef = (error as { missingRef?: unknown }).missingRef;
  if (typeof missingRef === "string") {
    return `schema: $ref ${JSON.stringify(missingRef)} cannot be resolved: a $ref must point inside the schema itself (other schemas are never fetched) (${message})`;
  }
  return message;
}

/** Every absolute `$id` the schema declares (its own and its subschemas'), without a trailing "#". */
export function schemaIds(schema: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  const base = typeof schema.$id === "string" ? schema.$id : undefined;
  traverse(schema, { allKeys: true }, (subschema) => {
    const id: unknown = subschema.$id;
    if (typeof id !== "string" || id.startsWith("#")) return;
    ids.add(resolveId(id, base).replace(/#$/, ""));
  });
  return [...ids];
}

function resolveId(id: string, base: string | undefined): string {
  try {
    return new URL(id, base).href;
  } catch {
    return id; // neither absolute nor resolvable against the root's: compared as written
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
