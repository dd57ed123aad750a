import fc from "fast-check";

/** Patterns that backtrack exponentially, need backtracking (backreferences, lookaround), compile to large RE2 programs, or are no regex at all. */
export const HOSTILE_PATTERNS = [
  "^(a+)+$",
  "^(a|aa)+$",
  "(x+x+)+y",
  "^(\\w+\\s?)*$",
  "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
  "(a)\\1",
  "^(?=a)a",
  "(?!x)y",
  "(?<=a)b",
  "(?<!a)b",
  "([a-z",
  "[^]",
  "a{1000}{1000}",
  "[a-z]{1000}[0-9]",
  "(?:[ab]{100}){9}c",
  "\\p{L}+",
  "^[a-z\\-]+$",
  "",
] as const;

/**
 * Types the fuzz defines with hostile schemas. Only raw Kafka messages use them: the API under
 * test validates against no definitions, so events posted to it must not depend on them.
 */
export const FUZZ_SCHEMA_TYPES: readonly string[] = Array.from({ length: 40 }, (_, n) => `custom.fuzz.schema.s${n}`);

/** Inputs that make backtracking patterns and pairwise keywords slow: long near-matches, many items. */
export function schemaProbe(): fc.Arbitrary<Record<string, unknown>> {
  const nearMatch = fc.constantFrom("a", "x", "ab ", "a.").chain((unit) => fc.integer({ min: 1, max: 20_000 }).map((n) => `${unit.repeat(n)}!`));
  const value = fc.oneof(
    nearMatch,
    fc.string(),
    fc.double(),
    fc.array(fc.record({ a: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3000 }),
    fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3000 }),
    fc.constant({ s: "a".repeat(50) }),
  );
  return fc.dictionary(fc.oneof(fc.constantFrom("s", "list", "kids", "a", "b", "$async"), nearMatch), value, { maxKeys: 4 });
}

/**
 * JSON Schemas mixing every feature that once made a definition unsafe or unusable: `$async`
 * anywhere, hostile patterns (in pattern, patternProperties and propertyNames), `$id`s shared
 * between schemas, `$ref`s that are local, remote, missing or loop in place, `uniqueItems`
 * with and without bounds, and deep nesting.
 */
export function hostileSchema(): fc.Arbitrary<Record<string, unknown>> {
  const hostilePattern = fc.oneof(fc.constantFrom(...HOSTILE_PATTERNS), fc.string({ maxLength: 12 }));
  const ref = fc.constantFrom("#", "#/definitions/a", "#/$defs/missing", "https://example.com/remote.json", "urn:example:shared#/definitions/a", "#/properties/s");
  const id = fc.constantFrom("urn:example:shared", "urn:shared", "https://example.com/shared.json", "#anchor", "relative.json");
  const type = fc.constantFrom("object", "array", "string", "number", ["string", "null"], "nonsense");
  const { node } = fc.letrec<{ node: Record<string, unknown> }>((tie) => {
    // Each node: a type and up to three features, benign ones (structure, formats) more often than hostile ones.
    const feature = fc.oneof(
      { arbitrary: fc.record({ properties: fc.dictionary(fc.constantFrom("s", "list", "kids", "a", "$async"), tie("node"), { maxKeys: 3 }) }), weight: 6 },
      { arbitrary: fc.record({ items: tie("node") }), weight: 3 },
      { arbitrary: fc.record({ allOf: fc.array(tie("node"), { maxLength: 2 }) }), weight: 2 },
      { arbitrary: fc.record({ not: tie("node") }), weight: 1 },
      { arbitrary: fc.record({ definitions: fc.record({ a: tie("node") }) }), weight: 2 },
      { arbitrary: fc.record({ format: fc.constantFrom("email", "uri", "regex", "date-time", "no-such-format") }), weight: 2 },
      { arbitrary: fc.record({ pattern: hostilePattern }), weight: 3 },
      { arbitrary: fc.record({ patternProperties: fc.dictionary(hostilePattern, fc.constant({ type: "string" }), { maxKeys: 2 }) }), weight: 1 },
      { arbitrary: fc.record({ propertyNames: hostilePattern.map((pattern) => ({ pattern })) }), weight: 1 },
      { arbitrary: fc.record({ uniqueItems: fc.boolean(), maxItems: fc.integer({ min: 0, max: 5000 }) }, { requiredKeys: ["uniqueItems"] }), weight: 2 },
      { arbitrary: fc.record({ $ref: ref }), weight: 2 },
      { arbitrary: fc.record({ $id: id }), weight: 2 },
      { arbitrary: fc.record({ $async: fc.boolean() }), weight: 1 },
    );
    return {
      node: fc.oneof(
        { depthSize: "small", maxDepth: 3 },
        fc.record({ type }, { requiredKeys: [] }),
        fc.tuple(fc.record({ type }, { requiredKeys: [] }), fc.array(feature, { maxLength: 3 })).map(([base, features]) => Object.assign({}, base, ...features) as Record<string, unknown>),
      ),
    };
  });
  return fc.oneof(
    { arbitrary: node, weight: 9 },
    { arbitrary: fc.tuple(node, fc.integer({ min: 5, max: 40 })).map(([schema, depth]) => nest(schema, depth)), weight: 1 },
    { arbitrary: fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 4 }), node).map(([levels, copies, leaf]) => fanOut(levels, copies, leaf)), weight: 1 },
  );
}

/** Definitions each using the next `copies` times (copies^levels subschemas for one value), ending in `leaf`. */
function fanOut(levels: number, copies: number, leaf: Record<string, unknown>): Record<string, unknown> {
  const definitions = Object.fromEntries(
    Array.from({ length: levels + 1 }, (_, i) => [`d${i}`, i === levels ? leaf : { allOf: Array.from({ length: copies }, () => ({ $ref: `#/definitions/d${i + 1}` })) }]),
  );
  return { type: "object", properties: { s: { $ref: "#/definitions/d0" }, list: { type: "array", items: { $ref: "#/definitions/d0" } } }, definitions };
}

function nest(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  let nested = schema;
  for (let level = 0; level < depth; level++) nested = { properties: { a: nested } };
  return nested;
}
