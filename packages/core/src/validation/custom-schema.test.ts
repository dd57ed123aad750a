import { RE2JS } from "re2js";
import { CUSTOM_SCHEMA_LIMITS, schemaIds } from "./custom-schema";
import { customSchemaError, newSchemaCompiler } from "./event-type-validator";
import { SCHEMA_COST_LIMITS } from "./schema-cost";

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

/** Definitions d0…d(levels-1) each using the next `copies` times; properties.x uses d0. */
function chain(levels: number, copies: number): Record<string, unknown> {
  const definitions = Object.fromEntries(
    Array.from({ length: levels + 1 }, (_, i) => [`d${i}`, i === levels ? { type: "number" } : { allOf: Array.from({ length: copies }, () => ({ $ref: `#/definitions/d${i + 1}` })) }]),
  );
  return { type: "object", properties: { x: { $ref: "#/definitions/d0" } }, definitions };
}

const TOO_MANY_SUBSCHEMAS = /^schema: checking one value against \S+ applies \d+ subschemas once every \$ref is expanded .*; at most 10000 are accepted$/;

describe("customSchemaError and what checking an event costs", () => {
  it("refuses definitions that each use the next twice (2^n subschemas for one value), naming where", () => {
    expect(JSON.stringify(chain(30, 2)).length).toBeLessThan(3000);
    expect(customSchemaError(chain(30, 2))).toMatch(TOO_MANY_SUBSCHEMAS);
    expect(customSchemaError(chain(30, 2))).toContain("against /properties/x applies 4294967294 subschemas");
    expect(customSchemaError(chain(13, 2))).toMatch(TOO_MANY_SUBSCHEMAS);
  });

  it("accepts reuse that stays bounded: a definition used a few times, or by many properties", () => {
    expect(customSchemaError(chain(5, 5))).toBeUndefined(); // 3,906 subschemas
    expect(customSchemaError(chain(11, 2))).toBeUndefined(); // 8,190
    const price = { type: "number", minimum: 0 };
    const legs = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`leg_${i}`, { $ref: "#/definitions/price" }]));
    expect(customSchemaError({ definitions: { price }, properties: legs })).toBeUndefined();
    const big = chain(11, 2);
    const shared = { definitions: big.definitions, properties: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, { items: { $ref: "#/definitions/d0" } }])) };
    expect(customSchemaError(shared)).toBeUndefined(); // 8,190 subschemas per item, counted once for the 1,000 properties
  });

  it.each([
    ["applies itself twice to every item", { allOf: [{ items: { $ref: "#" } }, { items: { $ref: "#" } }] }],
    ["reaches the same item through two paths (Fibonacci)", { items: [{ $ref: "#" }, { items: { $ref: "#" } }] }],
    ["applies a definition twice to every property", { definitions: { v: { allOf: [{ additionalProperties: { $ref: "#/definitions/v" } }, { additionalProperties: { $ref: "#/definitions/v" } }] } }, properties: { p: { $ref: "#/definitions/v" } } }],
  ])("refuses recursion that %s: the cost doubles with each level of the event", (_case, schema) => {
    expect(customSchemaError(schema)).toMatch(TOO_MANY_SUBSCHEMAS);
  });

  it("accepts recursion that applies a schema once per level: trees, linked lists, any JSON value", () => {
    expect(customSchemaError({ type: "object", properties: { left: { $ref: "#" }, right: { $ref: "#" }, value: { type: "number" } } })).toBeUndefined();
    expect(customSchemaError({ properties: { next: { $ref: "#" }, price: { type: "number" } } })).toBeUndefined();
    expect(customSchemaError({ properties: { name: { $ref: "#" } }, additionalProperties: { $ref: "#" } })).toBeUndefined();
    const json = { anyOf: [{ type: ["string", "number", "boolean", "null"] }, { type: "array", items: { $ref: "#/definitions/v" } }, { type: "object", additionalProperties: { $ref: "#/definitions/v" } }] };
    expect(customSchemaError({ definitions: { v: json }, properties: { payload: { $ref: "#/definitions/v" } } })).toBeUndefined();
  });

  it.each([
    ["a nested $id (it rebases the $ref)", { properties: { a: { $id: "https://example.com/a.json", $ref: "#/definitions/q", definitions: { q: {} } } } }, /^schema: \$ref "#\/definitions\/q" at \/properties\/a lies under a nested \$id/],
    ["an anchor rather than a pointer", { properties: { a: { $ref: "#foo" } }, definitions: { f: { $id: "#foo" } } }, /^schema: \$ref "#foo" cannot be resolved: .*as a JSON pointer to a subschema/],
    ["a pointer to no subschema", { properties: { a: { $ref: "#/properties" } } }, /^schema: \$ref "#\/properties" cannot be resolved/],
  ])("refuses a $ref whose cost cannot be counted: %s", (_case, schema, message) => {
    expect(customSchemaError(schema)).toMatch(message);
  });
});

describe("customSchemaError and pattern programs", () => {
  const ordinary = {
    isin: "^[A-Z]{2}[A-Z0-9]{9}[0-9]$",
    symbol: "^[A-Z]{1,6}(\\.[A-Z]{1,3})?$",
    email: "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$",
    uuid: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    date: "^\\d{4}-\\d{2}-\\d{2}$",
    name: "^\\p{L}[\\p{L}\\p{N} .'-]*$",
  };

  it.each(Object.entries(ordinary))("accepts an ordinary pattern: %s", (_name, pattern) => {
    expect(customSchemaError({ properties: { a: { type: "string", pattern }, b: { type: "string", pattern } }, patternProperties: { [pattern]: {} } })).toBeUndefined();
  });

  it.each([
    ["pattern", { properties: { s: { pattern: "[a-z]{1000}[0-9]" } } }, "/properties/s/pattern"],
    ["patternProperties", { patternProperties: { "[a-z]{1000}[0-9]": {} } }, "/patternProperties"],
    ["propertyNames", { propertyNames: { pattern: "[a-z]{1000}[0-9]" } }, "/propertyNames/pattern"],
  ])("refuses a large RE2 program in %s, naming its size", (_keyword, schema, where) => {
    expect(customSchemaError(schema)).toBe(
      `schema: pattern "[a-z]{1000}[0-9]" at ${where} compiles to 1003 RE2 instructions; at most 64 are accepted, since matching costs up to instructions × the value's length (use "enum" for a list of values, "maxLength" rather than a counted repetition)`,
    );
  });

  it("refuses a pattern too long to compile cheaply, quoting only its start", () => {
    const error = customSchemaError({ pattern: `${"[a-z]{1000}".repeat(100)}[0-9]` });
    expect(error).toMatch(/^schema: pattern "(\[a-z\]\{1000\}){7}\[a-…" at \/pattern is 1105 characters long; at most 1000 are accepted$/);
  });

  it("refuses patterns that add up past the bound on one value, through allOf or $refs", () => {
    const uuid = ordinary.uuid;
    expect(customSchemaError({ properties: { s: { allOf: [{ pattern: uuid }, { pattern: uuid }] } } })).toBe(
      "schema: the patterns checked against one value at /properties/s add up to 80 RE2 instructions once every $ref is expanded; at most 64 are accepted, since matching costs instructions × the value's length",
    );
    expect(customSchemaError({ definitions: { id: { pattern: uuid } }, properties: { s: { $ref: "#/definitions/id", pattern: ordinary.isin } } })).toBeUndefined(); // 40 + 16
    expect(customSchemaError({ definitions: { id: { pattern: uuid } }, properties: { s: { allOf: [{ $ref: "#/definitions/id" }, { $ref: "#/definitions/id" }] } } })).toMatch(/at \/properties\/s add up to 80 RE2 instructions/);
  });

  it("keeps the largest accepted program cheap on a 1 MiB string", () => {
    // Worst case for RE2: a program its DFA gives up on, run by the NFA over every character.
    const pattern = `a[ab]{${SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue - 4}}$`;
    expect(RE2JS.compile(pattern).programSize()).toBe(SCHEMA_COST_LIMITS.maxPatternInstructionsPerValue);
    expect(customSchemaError({ properties: { s: { pattern } } })).toBeUndefined();
    const validate = newSchemaCompiler().compile({ properties: { s: { pattern } } });
    let seed = 12345;
    const input = Array.from({ length: 1 << 20 }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 1 ? "a" : "b").join("");
    const started = performance.now();
    validate({ s: input });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
