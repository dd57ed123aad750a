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
    expect(validator.check("custom.broken", {})).toMatchObject({ reason: "schema_violation", detail: expect.stringContaining("cannot be compiled") });
  });
});
