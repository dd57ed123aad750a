import { DEFAULT_DIMENSIONS, DEFAULT_MEASURES } from "@trading-analytics/core";
import { matchesType, RollupPlan, type RollupPlanOptions } from "./rollup-plan";

const plan = (overrides: Partial<RollupPlanOptions> = {}) =>
  new RollupPlan({ intervals: ["1m", "1h"], dimensions: DEFAULT_DIMENSIONS, measures: DEFAULT_MEASURES, allowedLatenessMs: 60_000, ...overrides });

const measure = (name: string) => plan().measures.find((m) => m.name === name)!;
const dimensionNames = (eventType: string, p = plan()) => p.dimensionsFor(eventType).map((d) => `${d.name}:${d.property}`);

describe("RollupPlan", () => {
  describe("intervals", () => {
    it("orders the configured intervals smallest first, without repeats, and folds into the smallest", () => {
      const p = plan({ intervals: ["1d", "1m", "15m", "1m", "5m"] });
      expect(p.intervals).toEqual(["1m", "5m", "15m", "1d"]);
      expect(p.finestInterval).toBe("1m");
      expect(plan({ intervals: ["1h", "1d"] }).finestInterval).toBe("1h");
    });

    it("refuses a plan without an interval", () => {
      expect(() => plan({ intervals: [] })).toThrow("at least one interval");
    });

    it("keeps the allowed lateness it was given", () => {
      expect(plan({ allowedLatenessMs: 90_000 }).allowedLatenessMs).toBe(90_000);
    });
  });

  describe("dimensions", () => {
    it("breaks the default trading types down as configured, in configuration order", () => {
      expect(dimensionNames("order.filled")).toEqual(["symbol:symbol", "strategy:strategy_id", "side:side"]);
      expect(dimensionNames("position.opened")).toEqual(["symbol:symbol", "strategy:strategy_id", "side:side"]);
      expect(dimensionNames("signal.generated")).toEqual(["symbol:symbol", "strategy:strategy_id"]);
      expect(dimensionNames("market.data.update")).toEqual(["symbol:symbol"]);
    });

    it("breaks down no other type", () => {
      for (const type of ["user.login", "page.view", "market.data.snapshot", "signal.generated.v2", "custom.trading.signal"]) {
        expect(dimensionNames(type)).toEqual([]);
      }
    });

    it("matches a prefix pattern on the dot, never a longer word or the bare prefix", () => {
      expect(dimensionNames("order.partially.filled")).toHaveLength(3);
      expect(dimensionNames("orders.filled")).toEqual([]);
      expect(dimensionNames("order")).toEqual([]);
    });

    it("hands out only name and property, the same list each time a type is asked", () => {
      const p = plan({ dimensions: [{ name: "venue", property: "exchange", event_types: ["order.*", "order.filled"] }] });
      expect(p.dimensionsFor("order.filled")).toEqual([{ name: "venue", property: "exchange" }]);
      expect(p.dimensionsFor("order.filled")).toBe(p.dimensionsFor("order.filled"));
    });

    it("breaks down nothing when no dimension is configured", () => {
      expect(dimensionNames("order.filled", plan({ dimensions: [] }))).toEqual([]);
    });
  });

  describe("measures", () => {
    it("lists every configured measure with the properties it reads", () => {
      expect(plan().measures.map((m) => [m.name, m.properties])).toEqual([
        ["price", ["price"]],
        ["quantity", ["quantity"]],
        ["notional", ["price", "quantity"]],
        ["latency_ms", ["latency_ms"]],
        ["realized_pnl", ["realized_pnl"]],
        ["volume", ["volume"]],
        ["traded_value", ["price", "volume"]],
      ]);
    });

    it("reads a property measure from JSON numbers only", () => {
      const price = measure("price");
      expect(price.valueOf({ price: 101.25 })).toBe(101.25);
      expect(price.valueOf({ price: -3 })).toBe(-3);
      expect(price.valueOf({ price: 0 })).toBe(0);
      for (const value of ["101.25", null, true, [1], { v: 1 }, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined]) {
        expect(price.valueOf({ price: value })).toBeUndefined();
      }
      expect(price.valueOf({})).toBeUndefined();
    });

    it("multiplies a product measure's factors, and has no value when either is not a number", () => {
      const notional = measure("notional");
      expect(notional.valueOf({ price: 2.5, quantity: 4 })).toBe(10);
      expect(notional.valueOf({ price: 2.5, quantity: 0 })).toBe(0);
      expect(notional.valueOf({ price: -2, quantity: 3 })).toBe(-6);
      expect(notional.valueOf({ price: 2.5 })).toBeUndefined();
      expect(notional.valueOf({ quantity: 4 })).toBeUndefined();
      expect(notional.valueOf({ price: "2.5", quantity: 4 })).toBeUndefined();
      expect(notional.valueOf({ price: 2.5, quantity: Number.NaN })).toBeUndefined();
      expect(measure("traded_value").valueOf({ price: 10, volume: 7, quantity: 1000 })).toBe(70);
    });

    it("measures only what is configured", () => {
      const p = plan({ measures: [{ name: "fee", property: "fee_bps" }] });
      expect(p.measures.map((m) => m.name)).toEqual(["fee"]);
      expect(p.measures[0]!.valueOf({ fee_bps: 1.5, price: 10 })).toBe(1.5);
      expect(plan({ measures: [] }).measures).toEqual([]);
    });
  });
});

describe("matchesType", () => {
  it("treats a trailing .* as a prefix ending in the dot and anything else as an exact name", () => {
    expect(matchesType("order.*", "order.filled")).toBe(true);
    expect(matchesType("order.*", "order.fill.partial")).toBe(true);
    expect(matchesType("order.*", "orderbook.update")).toBe(false);
    expect(matchesType("order.*", "order")).toBe(false);
    expect(matchesType("order.filled", "order.filled")).toBe(true);
    expect(matchesType("order.filled", "order.filled.late")).toBe(false);
    expect(matchesType("order*", "order.filled")).toBe(false);
    expect(matchesType("*", "order.filled")).toBe(false);
  });
});
