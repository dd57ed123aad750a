import { CUSTOM_SCHEMA_LIMITS, schemaIds } from "./custom-schema";
import { customSchemaError, newSchemaCompiler } from "./event-type-validator";

function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let level = 1; level < depth; level++) schema = { not: schema };
  return schema;
}

describe("customSchemaError", () => {
  it("accepts ordinary schemas: types, formats, local $refs, annotations, a property named $async", () => {
    expect(customSchemaError({ type: "object", required: ["a"], properties: { a: { type: "string", format: "email", maxLength: 10 } } })).toBeUndefined();
    expect(customSchemaError({ definitions: { id: { type: "string", pattern: "^[a-z]+-\\d{3}$" } }, properties: { id: { $ref: "#/definitions/id" } } })).toBeUndefined();
    expect(customSchemaError({ $id: "https://example.com/s.json", properties: { x: { $ref: "https://example.com/s.json#/definitions/x" } }, definitions: { x: {} } })).toBeUndefined();
    expect(customSchemaError({ properties: { $async: { type: "boolean" } }, "x-owner": "quant-team" })).toBeUndefined();
  });

  it.each([
    ["at the root", { $async: true, type: "object" }, "/"],
    ["in a property", { properties: { a: { $async: true, type: "string" } } }, "/properties/a"],
    ["in a definition", { $defs: { slow: { $async: true } }, properties: { a: { $ref: "#/$defs/slow" } } }, "/$defs/slow"],
    ["set to false", { $async: false }, "/"],
  ])("refuses $async %s, naming where", (_case, schema, at) => {
    expect(customSchemaError(schema)).toBe(`schema: $async at ${at} is not supported: events are validated synchronously, so asynchronous schemas are refused`);
  });

  it.each([
    ["a backreference in pattern", { properties: { a: { type: "string", pattern: "^(a)\\1$" } } }, "/properties/a/pattern"],
    ["a lookahead in pattern", { pattern: "^(?=a)a" }, "/pattern"],
    ["a lookbehind in patternProperties", { patternProperties: { "(?<=x)y": {} } }, "/patternProperties"],
    ["a backreference in propertyNames", { propertyNames: { pattern: "(b)\\1" } }, "/propertyNames/pattern"],
    ["a pattern that is no regex at all", { pattern: "([a-z" }, "/pattern"],
  ])("refuses %s, saying RE2 cannot run it", (_case, schema, where) => {
    const error = customSchemaError(schema);
    expect(error).toContain(`at ${where} is not supported: patterns run on RE2 (linear time), which has no backreferences or lookaround`);
  });

  it("runs patterns in linear time: ^(a+)+$ against long near-matches is instant", () => {
    const validate = newSchemaCompiler().compile({ type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } }, propertyNames: { pattern: "^(x+x+)+y$|^s$" } });
    const started = performance.now();
    expect(validate({ s: `${"a".repeat(30)}!` })).toBe(false);
    expect(validate({ s: `${"a".repeat(100_000)}!` })).toBe(false);
    expect(validate({ [`${"x".repeat(50_000)}`]: 1 })).toBe(false);
    expect(validate({ s: "a".repeat(1000) })).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses uniqueItems over object items unless maxItems bounds the pairwise comparison", () => {
    expect(customSchemaError({ type: "array", uniqueItems: true })).toMatch(/^schema: uniqueItems at \/ needs "maxItems" of at most 1000/);
    expect(customSchemaError({ properties: { list: { uniqueItems: true, items: { type: "object" } } } })).toMatch(/uniqueItems at \/properties\/list/);
    expect(customSchemaError({ uniqueItems: true, maxItems: 1001 })).toMatch(/uniqueItems/);
    expect(customSchemaError({ uniqueItems: true, maxItems: 1000 })).toBeUndefined();
    expect(customSchemaError({ uniqueItems: true, items: { type: ["string", "integer"] } })).toBeUndefined();
    expect(customSchemaError({ uniqueItems: false })).toBeUndefined();
  });

  it("refuses schemas too deep or too big to compile cheaply", () => {
    expect(customSchemaError(nested(CUSTOM_SCHEMA_LIMITS.maxDepth))).toBeUndefined();
    expect(customSchemaError(nested(CUSTOM_SCHEMA_LIMITS.maxDepth + 1))).toBe(`schema: nests deeper than ${CUSTOM_SCHEMA_LIMITS.maxDepth} levels`);
    expect(customSchemaError(nested(100_000))).toMatch(/nests deeper/);
    const big = { properties: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`field_${i}`, { type: "string" }])) };
    expect(customSchemaError(big)).toMatch(/^schema: is \d+ bytes; at most 65536 are accepted$/);
  });

  it("refuses a $ref outside the schema, saying nothing is fetched", () => {
    expect(customSchemaError({ $ref: "https://example.com/other.json" })).toMatch(
      /^schema: \$ref "https:\/\/example.com\/other.json" cannot be resolved: a \$ref must point inside the schema itself \(other schemas are never fetched\)/,
    );
    expect(customSchemaError({ properties: { a: { $ref: "#/definitions/missing" } } })).toMatch(/can't resolve reference #\/definitions\/missing/);
  });

  it("keeps ajv's message for anything else it cannot compile", () => {
    expect(customSchemaError({ type: "nonsense" })).toMatch(/^schema is invalid: data\/type must be equal to one of the allowed values/);
    expect(customSchemaError({ properties: { a: { minLength: -1 } } })).toMatch(/^schema is invalid/);
  });
});

describe("schemaIds", () => {
  it("lists the absolute $ids a schema declares, nested ones resolved against the root's", () => {
    expect(schemaIds({ $id: "https://example.com/signal.json#", properties: { a: { $id: "parts/a.json" }, b: { $id: "#anchor" } } })).toEqual([
      "https://example.com/signal.json",
      "https://example.com/parts/a.json",
    ]);
    expect(schemaIds({ type: "object" })).toEqual([]);
    expect(schemaIds({ $id: "signal" })).toEqual(["signal"]);
  });
});

describe("customSchemaError and recursion", () => {
  it("accepts recursion that descends into the event (a tree), and validates it", () => {
    const tree = { $id: "https://example.com/tree.json", type: "object", properties: { children: { type: "array", items: { $ref: "#" } }, copy: { $ref: "https://example.com/tree.json#/properties/children" } } };
    expect(customSchemaError(tree)).toBeUndefined();
    const validate = newSchemaCompiler().compile(tree);
    expect(validate({ children: [{ children: [] }] })).toBe(true);
    expect(validate({ children: [{ children: [1] }] })).toBe(false);
  });

  it.each([
    ["the root referring to itself", { $ref: "#" }, "/"],
    ["allOf back to the root", { type: "object", allOf: [{ $ref: "#" }] }, "/"],
    ["two definitions referring to each other", { $defs: { a: { $ref: "#/$defs/b" }, b: { not: { $ref: "#/$defs/a" } } }, properties: { x: { $ref: "#/$defs/a" } } }, "/$defs/a"],
    ["a dependency referring back to the root", { type: "object", dependencies: { "a/b": { $ref: "#" } } }, "/"],
    ["a property referring to itself through its root $id", { $id: "urn:loop", properties: { a: { anyOf: [{ $ref: "urn:loop#/properties/a" }] } } }, "/properties/a"],
  ])("refuses %s: checking would never end", (_case, schema, at) => {
    expect(customSchemaError(schema)).toBe(`schema: the $ref chain through ${at} comes back to itself without descending into the event, so checking would never end`);
  });
});
