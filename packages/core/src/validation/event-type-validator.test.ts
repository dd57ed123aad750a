import { TradingFlow } from "../demo";
import type { CustomEventDefinition } from "../models";
import { EventTypeValidator } from "./event-type-validator";

const definition = (name: string, schema: Record<string, unknown>): CustomEventDefinition => ({
  name,
  version: 1,
  displayName: null,
  description: null,
  schema,
  isActive: true,
  createdAt: new Date(),
});

const signalSchema = {
  type: "object",
  required: ["signal_strength"],
  properties: { signal_strength: { type: "number" }, strategy: { type: "string" } },
};

describe("EventTypeValidator", () => {
  it("accepts every event the demo trading flow generates", () => {
    const validator = new EventTypeValidator([], "dead_letter");
    const events = new TradingFlow({ seed: 3 }).take(20_000);
    const rejected = events.map(({ event }) => validator.check(event.event_type, event.properties ?? {})).filter(Boolean);
    expect(rejected).toEqual([]);
  });

  it("accepts partial known events but rejects a documented property of the wrong type, naming it", () => {
    const validator = new EventTypeValidator([], "accept");
    expect(validator.check("order.placed", { test_index: 7 })).toBeUndefined();
    expect(validator.check("order.placed", { symbol: "BTCUSDT", side: "HOLD" })).toEqual({
      reason: "schema_violation",
      detail: "order.placed: properties.side must be equal to one of the allowed values",
    });
    expect(validator.check("order.filled", { order_id: "o1", symbol: "X", side: "BUY", price: "10", quantity: 1 })).toEqual({
      reason: "schema_violation",
      detail: "order.filled: properties.price must be number",
    });
  });

  it("names every bad field when built with allErrors", () => {
    const validator = new EventTypeValidator([definition("custom.trading.signal", signalSchema)], "accept", { allErrors: true });
    expect(validator.violations("order.filled", { price: "10", quantity: -1, side: "BUY" })).toEqual([
      { field: "properties.price", message: "must be number" },
      { field: "properties.quantity", message: "must be >= 0" },
    ]);
    expect(validator.violations("custom.trading.signal", { strategy: 1 })).toEqual([
      { field: "properties.signal_strength", message: "is required" },
      { field: "properties.strategy", message: "must be string" },
    ]);
    expect(validator.violations("order.filled", { price: 1 })).toEqual([]);
  });

  it("validates custom types against their active definition", () => {
    const validator = new EventTypeValidator([definition("custom.trading.signal", signalSchema)], "accept");
    expect(validator.check("custom.trading.signal", { signal_strength: 0.8 })).toBeUndefined();
    expect(validator.check("custom.trading.signal", { signal_strength: "high" })).toEqual({
      reason: "schema_violation",
      detail: "custom.trading.signal: properties.signal_strength must be number",
    });
  });

  it("accepts or dead-letters types it does not know, as configured", () => {
    expect(new EventTypeValidator([], "accept").check("custom.unknown", {})).toBeUndefined();
    expect(new EventTypeValidator([], "dead_letter").check("custom.unknown", {})?.reason).toBe("unknown_event_type");
  });

  it("reports definitions it cannot use instead of failing", () => {
    const validator = new EventTypeValidator(
      [definition("custom.broken", { type: "no-such-type" }), definition("order.placed", { type: "object" }), definition("custom.ok", { type: "object" })],
      "accept",
    );
    expect(validator.problems.map((problem) => problem.name)).toEqual(["custom.broken", "order.placed"]);
    expect(validator.customTypes).toEqual(["custom.ok"]);
    // Events of a type whose definition is broken are never let through unchecked.
    expect(validator.check("custom.broken", {})).toMatchObject({ reason: "schema_violation", detail: expect.stringContaining("cannot be used") });
  });

  it("keeps every other type validating when stored definitions are unsafe (stored before they were refused)", () => {
    const validator = new EventTypeValidator(
      [
        definition("custom.async", { $async: true, type: "object", required: ["a"] }),
        definition("custom.backtracking", { properties: { code: { type: "string", pattern: "^(\\w)\\1$" } } }),
        definition("custom.quadratic", { type: "object", properties: { list: { type: "array", uniqueItems: true } } }),
        definition("custom.trading.signal", signalSchema),
      ],
      "dead_letter",
    );
    expect(validator.customTypes).toEqual(["custom.trading.signal"]);
    expect(validator.problems.map((problem) => [problem.name, problem.version])).toEqual([
      ["custom.async", 1],
      ["custom.backtracking", 1],
      ["custom.quadratic", 1],
    ]);
    // Violating the async schema neither rejects a promise nor passes: a clear refusal.
    expect(validator.check("custom.async", {})).toEqual({
      reason: "schema_violation",
      detail: expect.stringMatching(/^custom\.async: active definition v1 cannot be used, so its events are refused until it is replaced \(schema: \$async at \//),
    });
    expect(validator.check("custom.backtracking", { code: "aa" })?.detail).toMatch(/no backreferences or lookaround/);
    expect(validator.violations("custom.quadratic", {})).toEqual([{ field: "properties", message: expect.stringMatching(/uniqueItems/) }]);
    expect(validator.check("custom.trading.signal", { signal_strength: 1 })).toBeUndefined();
    expect(validator.check("custom.trading.signal", {})?.reason).toBe("schema_violation");
  });

  it("uses two definitions that share a $id, each with its own schema", () => {
    const id = "https://example.com/shared.json";
    const validator = new EventTypeValidator(
      [
        definition("custom.first", { $id: id, type: "object", required: ["a"], properties: { n: { $id: "n.json", type: "string" } } }),
        definition("custom.second", { $id: id, type: "object", required: ["b"], properties: { n: { $id: "n.json", type: "number" } } }),
      ],
      "accept",
    );
    expect(validator.problems).toEqual([]);
    expect(validator.check("custom.first", { a: 1, n: "x" })).toBeUndefined();
    expect(validator.check("custom.first", { b: 1 })?.detail).toBe("custom.first: properties.a is required");
    expect(validator.check("custom.second", { b: 1, n: 2 })).toBeUndefined();
    expect(validator.check("custom.second", { b: 1, n: "x" })?.detail).toBe("custom.second: properties.n must be number");
  });

  it("checks custom patterns in linear time", () => {
    const validator = new EventTypeValidator([definition("custom.pattern", { properties: { s: { type: "string", pattern: "^(a+)+$" } } })], "accept");
    const started = performance.now();
    expect(validator.check("custom.pattern", { s: `${"a".repeat(30)}!` })?.detail).toBe('custom.pattern: properties.s must match pattern "^(a+)+$"');
    expect(validator.check("custom.pattern", { s: `${"a".repeat(200_000)}!` })?.reason).toBe("schema_violation");
    expect(validator.check("custom.pattern", { s: "aaaa" })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses, and never leaves a rejected promise behind, if a validator answers with anything but a boolean", async () => {
    const validator = new EventTypeValidator([definition("custom.odd", { type: "object" })], "accept");
    const unhandled = jest.fn();
    process.on("unhandledRejection", unhandled);
    try {
      // Stands in for any validator that answers asynchronously despite the compile-time checks.
      const rejecting = Object.assign(() => Promise.reject(new Error("validation failed")), { errors: null });
      (validator as unknown as { custom: Map<string, unknown> }).custom.set("custom.odd", rejecting);
      expect(validator.check("custom.odd", {})).toEqual({
        reason: "schema_violation",
        detail: "custom.odd: its schema's validator did not answer synchronously, so its events are refused until the definition is replaced",
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("refuses the event, never throws, if checking it fails (a stack overflow, say)", () => {
    const validator = new EventTypeValidator([definition("custom.deep", { type: "object" })], "accept");
    const overflowing = Object.assign(
      () => {
        throw new RangeError("Maximum call stack size exceeded");
      },
      { errors: null },
    );
    (validator as unknown as { custom: Map<string, unknown> }).custom.set("custom.deep", overflowing);
    expect(validator.check("custom.deep", {})).toEqual({
      reason: "schema_violation",
      detail: "custom.deep: its schema could not check this event (Maximum call stack size exceeded), so it is refused",
    });
    expect(validator.violations("custom.deep", {})).toEqual([{ field: "properties", message: expect.stringContaining("could not check this event") }]);
  });

  it("sets aside a stored schema whose $refs loop in place, and keeps recursive ones that descend (two sharing a $id)", () => {
    const tree = (required: string) => ({ $id: "https://example.com/tree.json", type: "object", required: [required], properties: { kids: { type: "array", items: { $ref: "#" } } } });
    const validator = new EventTypeValidator(
      [definition("custom.loop", { $ref: "#" }), definition("custom.tree_a", tree("a")), definition("custom.tree_b", tree("b"))],
      "accept",
    );
    expect(validator.problems.map((problem) => problem.name)).toEqual(["custom.loop"]);
    expect(validator.check("custom.loop", {})?.detail).toMatch(/checking would never end/);
    expect(validator.check("custom.tree_a", { a: 1, kids: [{ a: 2, kids: [] }] })).toBeUndefined();
    expect(validator.check("custom.tree_a", { a: 1, kids: [{ b: 2 }] })?.detail).toBe("custom.tree_a: properties.kids.0.a is required");
    expect(validator.check("custom.tree_b", { b: 1, kids: [{ b: 2 }] })).toBeUndefined();
  });

  it("sets aside stored schemas that are not objects at all, and loads the rest", () => {
    const odd = [null, "object", [], true, 42].map((schema, i) => definition(`custom.odd_${i}`, schema as unknown as Record<string, unknown>));
    const validator = new EventTypeValidator([...odd, definition("custom.trading.signal", signalSchema)], "accept");
    expect(validator.problems.map((problem) => problem.error)).toEqual(Array(5).fill("schema: must be a JSON Schema object"));
    expect(validator.check("custom.odd_0", {})?.detail).toMatch(/cannot be used/);
    expect(validator.check("custom.trading.signal", { signal_strength: 1 })).toBeUndefined();
  });
});
