import traverse from "json-schema-traverse";
import { MAX_EVENT_NESTING } from "./storable-limits";

/**
 * What checking one value of an event may cost, bounded before a custom schema is accepted.
 * Every value of an event (the properties object, each property, each item…) is checked by the
 * subschemas that apply to it; the whole event costs at most the worst value's cost × its bytes.
 */
export const SCHEMA_COST_LIMITS = {
  /** Subschemas applied to one value, every local $ref expanded where it is used. */
  maxNodesPerValue: 10_000,
  /** RE2 instructions of the patterns applied to one string (`pattern`) or one object's keys (`patternProperties`). */
  maxPatternInstructionsPerValue: 64,
} as const;

/** Keywords whose subschema applies to the same value. */
const IN_PLACE = new Set(["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependencies"]);
/** Keywords whose subschema applies to some property of an object (any key, as far as counting knows). */
const ANY_PROPERTY = new Set(["patternProperties", "propertyNames"]);
/** Keywords whose subschema applies to items of an array. */
const ITEMS = new Set(["items", "additionalItems", "contains"]);

interface Descent {
  /** The child value it applies to: ".name", "*" (any key), "+" (keys its `properties` does not name) or "[]" (any item). */
  step: string;
  to: string;
}

interface SchemaNode {
  inPlace: string[];
  /** Its `properties` names: `additionalProperties` skips them. */
  named: Set<string>;
  descents: Descent[];
  /** RE2 instructions of this subschema's own `pattern` and `patternProperties` keys. */
  patternInstructions: number;
}

export interface SchemaGraph {
  nodes: Map<string, SchemaNode>;
}

/**
 * The subschemas of a schema as a graph: in-place edges (allOf…, and each $ref to the pointer it
 * names) and descents into the event. Returns why not when a $ref cannot be counted: one that is
 * no JSON pointer to a subschema of this document, or one under a nested $id (which rebases it).
 */
export function schemaGraph(
  schema: Record<string, unknown>,
  resolveRef: (ref: string) => string | undefined,
  patternInstructions: (subschema: traverse.SchemaObject) => number,
): SchemaGraph | string {
  const nodes = new Map<string, SchemaNode>();
  const refs: { from: string; ref: string; rebased: boolean }[] = [];
  const rebased = new Set<string>();
  traverse(schema, { allKeys: true }, (subschema, pointer, _root, parentPointer, parentKeyword, _parent, keyIndex) => {
    const named = new Set(subschema.properties !== null && typeof subschema.properties === "object" ? Object.keys(subschema.properties as object) : []);
    nodes.set(pointer, { inPlace: [], named, descents: [], patternInstructions: patternInstructions(subschema) });
    const underId = parentPointer !== undefined && (rebased.has(parentPointer) || (typeof subschema.$id === "string" && !subschema.$id.startsWith("#")));
    if (underId) rebased.add(pointer);
    if (typeof subschema.$ref === "string") refs.push({ from: pointer, ref: subschema.$ref, rebased: underId });
    const parent = parentPointer === undefined ? undefined : nodes.get(parentPointer);
    if (!parent || parentKeyword === undefined) return;
    if (IN_PLACE.has(parentKeyword)) parent.inPlace.push(pointer);
    else if (parentKeyword === "properties") parent.descents.push({ step: `.${String(keyIndex)}`, to: pointer });
    else if (ANY_PROPERTY.has(parentKeyword)) parent.descents.push({ step: "*", to: pointer });
    else if (parentKeyword === "additionalProperties") parent.descents.push({ step: "+", to: pointer });
    else if (ITEMS.has(parentKeyword)) parent.descents.push({ step: "[]", to: pointer });
  });
  for (const { from, ref, rebased: underId } of refs) {
    const at = from || "/";
    if (underId) return `schema: $ref ${JSON.stringify(ref)} at ${at} lies under a nested $id: $refs are resolved from the root, so only the root may set a base $id`;
    const target = resolveRef(ref);
    if (target === undefined || !nodes.has(target)) {
      return `schema: $ref ${JSON.stringify(ref)} cannot be resolved: a $ref must point inside the schema itself (other schemas are never fetched), as a JSON pointer to a subschema ("#/definitions/x", "#/$defs/x", "#") so that what checking costs can be counted (at ${at}: can't resolve reference ${ref})`;
    }
    nodes.get(from)!.inPlace.push(target);
  }
  return { nodes };
}

/** Work allowed for counting itself (subschemas walked over all distinct ways of reaching a value). */
const MAX_COUNTING_WORK = 1_000_000;

/** Which subschemas apply to a value, and how many times each. */
type Applied = Map<string, number>;

/**
 * Why checking one value of an event could cost too much, or undefined. Walks the event level
 * by level (up to its deepest nesting) through every distinct set of subschemas that can apply
 * to one value, so a definition used twice by each of 30 chained definitions (2^30 subschemas
 * for one value) or recursion that applies a schema twice per level is refused, while a tree
 * (`items: {"$ref": "#"}`) is not. The in-place graph must have no cycles (checked first).
 */
export function evaluationCostProblem(graph: SchemaGraph): string | undefined {
  const { nodes } = graph;
  const size = memoised(nodes, () => 1);
  const instructions = memoised(nodes, (node) => node.patternInstructions);
  const expanded = new Set<string>();
  // Most values get one subschema (a property's): the many properties that use one definition walk it once.
  const closures = new Map<string, { closure: Applied; key: string }>();
  let work = 0;
  const closureOf = (applied: Applied) => {
    const single = applied.size === 1 ? JSON.stringify([...applied][0]) : undefined;
    const known = single === undefined ? undefined : closures.get(single);
    if (known) return known;
    const { closure, steps } = inPlaceClosure(applied, nodes);
    work += steps;
    // Values reached with the same subschemas that descend have the same children.
    const key = JSON.stringify([...closure].filter(([pointer]) => nodes.get(pointer)!.descents.length > 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    if (single !== undefined) closures.set(single, { closure, key });
    return { closure, key };
  };
  let level: Applied[] = [new Map([["", 1]])];
  for (let depth = 0; depth < MAX_EVENT_NESTING && level.length > 0; depth++) {
    const next: Applied[] = [];
    for (const applied of level) {
      const problem = valueCostProblem(applied, size, instructions);
      if (problem) return problem;
      const { closure, key } = closureOf(applied);
      if (!expanded.has(key)) {
        expanded.add(key);
        const children = childrenApplied(closure, nodes);
        work += children.steps;
        next.push(...children.children);
      }
      if (work > MAX_COUNTING_WORK) return `schema: too intricate to bound what checking an event costs (over ${MAX_COUNTING_WORK} steps to count)`;
    }
    level = next;
  }
  return undefined;
}

/**
 * Every subschema applied in place (allOf…, $ref targets) with how many times: counts flow down
 * the in-place graph (acyclic) in topological order, so shared definitions are visited once.
 */
function inPlaceClosure(applied: Applied, nodes: Map<string, SchemaNode>): { closure: Applied; steps: number } {
  const order: string[] = [];
  const visited = new Set<string>();
  const stack: { pointer: string; next: number }[] = [];
  for (const start of applied.keys()) {
    if (visited.has(start)) continue;
    visited.add(start);
    stack.push({ pointer: start, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = nodes.get(top.pointer)!.inPlace;
      if (top.next < children.length) {
        const child = children[top.next++]!;
        if (!visited.has(child)) {
          visited.add(child);
          stack.push({ pointer: child, next: 0 });
        }
      } else {
        order.push(top.pointer);
        stack.pop();
      }
    }
  }
  const closure = new Map(applied);
  let steps = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const pointer = order[i]!;
    const count = closure.get(pointer) ?? 0;
    for (const child of nodes.get(pointer)!.inPlace) closure.set(child, (closure.get(child) ?? 0) + count);
    steps += 1 + nodes.get(pointer)!.inPlace.length;
  }
  return { closure, steps };
}

function valueCostProblem(applied: Applied, size: (pointer: string) => number, instructions: (pointer: string) => number): string | undefined {
  let nodes = 0;
  let patterns = 0;
  let heaviest = "";
  let heaviestCost = -1;
  for (const [pointer, count] of applied) {
    nodes += count * size(pointer);
    patterns += count * instructions(pointer);
    if (count * size(pointer) > heaviestCost) [heaviest, heaviestCost] = [pointer, count * size(pointer)];
  }
  const where = heaviest || "/";
  if (nodes > SCHEMA_COST_LIMITS.maxNodesPerValue) {
    return `schema: checking one value against ${where} applies ${formatCount(nodes)} subschemas once every $ref is expanded (a definition referred to more than once, by definitions themselves referred to more than once, multiplies); at most ${SCHEMA_COST_LIMITS.maxNodesPerValue} are accepted`;
  }
  if (patterns > SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue) {
    return `schema: the patterns checked against one value at ${where} add up to ${formatCount(patterns)} RE2 instructions once every $ref is expanded; at most ${SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue} are accepted, since matching costs instructions × the value's length`;
  }
  return undefined;
}

/**
 * What applies to each kind of child value: one set per property name the schema mentions (with
 * whatever applies to any key), one for any other key, one for array items.
 */
function childrenApplied(closure: Applied, nodes: Map<string, SchemaNode>): { children: Applied[]; steps: number } {
  let steps = 0;
  const byStep = new Map<string, Applied>();
  const additional: { named: Set<string>; to: string; count: number }[] = [];
  for (const [pointer, count] of closure) {
    const node = nodes.get(pointer)!;
    steps += node.descents.length;
    for (const { step, to } of node.descents) {
      const counts = byStep.get(step) ?? new Map<string, number>();
      counts.set(to, (counts.get(to) ?? 0) + count);
      byStep.set(step, counts);
      if (step === "+") additional.push({ named: node.named, to, count });
    }
  }

  // Any key no `properties` names gets what applies to any key; a named one also its own, and additionalProperties of schemas not naming it.
  const anyKey = plus(byStep.get("*"), byStep.get("+"));
  const children: Applied[] = anyKey.size > 0 ? [anyKey] : [];
  for (const [step, counts] of byStep) {
    if (step === "[]") children.push(counts);
    if (!step.startsWith(".")) continue;
    const name = step.slice(1);
    const child = plus(counts, byStep.get("*"));
    for (const { named, to, count } of additional) if (!named.has(name)) child.set(to, (child.get(to) ?? 0) + count);
    steps += additional.length;
    children.push(child);
  }
  return { children, steps };
}

function plus(a: Applied | undefined, b: Applied | undefined): Applied {
  const sum = new Map(a);
  for (const [to, count] of b ?? []) sum.set(to, (sum.get(to) ?? 0) + count);
  return sum;
}

/** A per-pointer total over its in-place closure (pointer itself, allOf…, $ref targets), each shared part counted once per use. */
function memoised(nodes: Map<string, SchemaNode>, own: (node: SchemaNode) => number): (pointer: string) => number {
  const totals = new Map<string, number>();
  const total = (pointer: string): number => {
    const known = totals.get(pointer);
    if (known !== undefined) return known;
    const node = nodes.get(pointer)!;
    let sum = own(node);
    for (const next of node.inPlace) sum += total(next);
    totals.set(pointer, sum);
    return sum;
  };
  return total;
}

function formatCount(count: number): string {
  return count < 1e15 ? String(count) : count.toExponential(2);
}
