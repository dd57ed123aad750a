import { parseCustomEventBody } from "./custom-event-body";

describe("parseCustomEventBody", () => {
  const schema = { type: "object", properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } };
  const valid = { name: "custom.trading.signal", display_name: "Trading Signal", description: "Custom trading signal event", schema, is_active: true };

  const errorOf = (body: unknown, pathName?: string) => {
    const parsed = parseCustomEventBody(body, pathName);
    if (parsed.ok) throw new Error("expected the body to be refused");
    return parsed.error;
  };

  it("accepts the reference body", () => {
    expect(parseCustomEventBody(valid)).toEqual({
      ok: true,
      body: {
        name: "custom.trading.signal",
        definition: { displayName: "Trading Signal", description: "Custom trading signal event", schema, isActive: true },
      },
    });
  });

  it("defaults is_active to true and the optional texts to null", () => {
    expect(parseCustomEventBody({ name: "custom.minimal", schema: {} })).toEqual({
      ok: true,
      body: { name: "custom.minimal", definition: { displayName: null, description: null, schema: {}, isActive: true } },
    });
  });

  it.each([
    ["name: is required", "name", { ...valid, name: undefined }],
    ["name: must be a string", "name", { ...valid, name: 7 }],
    ["name: must be a dotted lower-case name like custom.trading.signal", "name", { ...valid, name: "Custom.Signal" }],
    ["name: must be a dotted lower-case name like custom.trading.signal", "name", { ...valid, name: "custom..signal" }],
    ["name: must be at most 128 characters", "name", { ...valid, name: `custom.${"x".repeat(122)}` }],
    ["name: order.placed is a built-in event type and cannot be redefined", "name", { ...valid, name: "order.placed" }],
    ["display_name: must be a string", "display_name", { ...valid, display_name: 3 }],
    ["description: must be a string", "description", { ...valid, description: ["x"] }],
    ["is_active: must be true or false", "is_active", { ...valid, is_active: "yes" }],
    ["schema: is required", "schema", { ...valid, schema: undefined }],
    ["schema: must be a JSON Schema object", "schema", { ...valid, schema: [] }],
    ["schema: must be a JSON Schema object", "schema", { ...valid, schema: "object" }],
  ])("refuses with %s", (message, field, body) => {
    expect(errorOf(body)).toEqual({ field, message });
  });

  it("accepts a name of exactly 128 characters", () => {
    expect(parseCustomEventBody({ ...valid, name: `custom.${"x".repeat(121)}` }).ok).toBe(true);
  });

  it("returns ajv's own message for a schema it cannot compile", () => {
    const error = errorOf({ ...valid, schema: { type: "nonsense" } });
    expect(error.field).toBe("schema");
    expect(error.message).toMatch(/^schema is invalid: data\/type must be equal to one of the allowed values/);
    expect(errorOf({ ...valid, schema: { $ref: "#/definitions/missing" } }).message).toMatch(/can't resolve reference #\/definitions\/missing/);
  });

  it("accepts annotations ajv does not know, as the ingester does (strict off)", () => {
    expect(parseCustomEventBody({ ...valid, schema: { ...schema, "x-owner": "quant-team", examples: [{}] } }).ok).toBe(true);
  });

  it("compiles each body on its own, so two bodies may share a schema $id", () => {
    const withId = { ...valid, schema: { $id: "https://example.com/signal", type: "object" } };
    expect(parseCustomEventBody(withId).ok).toBe(true);
    expect(parseCustomEventBody(withId).ok).toBe(true);
  });

  it("names every unknown field", () => {
    expect(errorOf({ ...valid, version: 2 })).toEqual({ field: "version", message: "unknown field: version" });
    expect(errorOf({ ...valid, version: 2, owner: "x" })).toEqual({ field: "version", message: "unknown fields: version, owner" });
  });

  it.each([[undefined], [null], [[]], ["text"]])("refuses a body that is not an object (%j)", (body) => {
    expect(errorOf(body)).toEqual({ field: "body", message: "body: must be a JSON object" });
  });

  describe("with the name from the path (PUT)", () => {
    it("takes the name from the path and lets the body omit or repeat it", () => {
      const { name: _name, ...withoutName } = valid;
      expect(parseCustomEventBody(withoutName, "custom.trading.signal")).toMatchObject({ ok: true, body: { name: "custom.trading.signal" } });
      expect(parseCustomEventBody(valid, "custom.trading.signal")).toMatchObject({ ok: true, body: { name: "custom.trading.signal" } });
    });

    it("refuses a body name that differs from the path, and bad or built-in path names", () => {
      expect(errorOf(valid, "custom.other")).toEqual({ field: "name", message: "name: must match the path (custom.other) when given" });
      expect(errorOf({ schema }, "Bad Name")).toMatchObject({ field: "name" });
      expect(errorOf({ schema }, "order.filled")).toEqual({
        field: "name",
        message: "name: order.filled is a built-in event type and cannot be redefined",
      });
    });
  });
});
