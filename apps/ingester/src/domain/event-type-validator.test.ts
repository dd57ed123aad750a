import { type CustomEventDefinition, TradingFlow } from "@trading-analytics/core";
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

  it("rejects a known type missing a required property or with a wrong type, naming it", () => {
    const validator = new EventTypeValidator([], "accept");
    expect(validator.check("order.placed", { order_id: "o1", symbol: "BTCUSDT", side: "BUY" })).toEqual({
      reason: "schema_violation",
      detail: "order.placed: properties.quantity is required",
    });
    expect(validator.check("order.filled", { order_id: "o1", symbol: "X", side: "BUY", price: "10", quantity: 1 })).toEqual({
      reason: "schema_violation",
      detail: "order.filled: properties.price must be number",
    });
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
