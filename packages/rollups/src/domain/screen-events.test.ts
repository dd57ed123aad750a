import { DEFAULT_MEASURES, MAX_MEASURE_MAGNITUDE } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";
import { RollupPlan } from "./rollup-plan";
import { screenEvents } from "./screen-events";

const plan = new RollupPlan({ intervals: ["1m"], dimensions: [], measures: DEFAULT_MEASURES, allowedLatenessMs: 60_000 });

function event(id: string, properties: Record<string, unknown>): FoldableEvent {
  return { eventId: id, eventType: "order.filled", timeMs: 0, receivedAtMs: 0, userId: null, sessionId: null, properties };
}

describe("screenEvents", () => {
  it("keeps events whose measures are finite and within the range, however large their products", () => {
    const events = [
      event("a", { price: MAX_MEASURE_MAGNITUDE, quantity: -MAX_MEASURE_MAGNITUDE }),
      event("b", { price: 1e-300, quantity: 5e-324 }),
      event("c", { path: "/" }),
      event("d", { price: "1e200", quantity: null }), // not numbers: no measure reads them
    ];
    const { foldable, setAside } = screenEvents(events, plan.measures);
    expect(foldable.map((e) => e.eventId)).toEqual(["a", "b", "c", "d"]);
    expect(setAside).toEqual([]);
    // The largest product the range allows, summed a billion times, is finite.
    expect(Number.isFinite(plan.measures.find((m) => m.name === "notional")!.valueOf(events[0]!.properties)! * 1e9)).toBe(true);
  });

  it("sets aside values beyond the range, naming the property", () => {
    const { foldable, setAside } = screenEvents(
      [event("a", { price: 1e200, quantity: 1e200 }), event("b", { volume: -1.7e308 }), event("c", { latency_ms: MAX_MEASURE_MAGNITUDE * 2 })],
      plan.measures,
    );
    expect(foldable).toEqual([]);
    expect(setAside.map(({ event: e, reason, detail }) => [e.eventId, reason, detail])).toEqual([
      ["a", "measure_out_of_range", `price=1e+200 is beyond ±${MAX_MEASURE_MAGNITUDE}`],
      ["b", "measure_out_of_range", `volume=-1.7e+308 is beyond ±${MAX_MEASURE_MAGNITUDE}`],
      ["c", "measure_out_of_range", `latency_ms=2000000000000000 is beyond ±${MAX_MEASURE_MAGNITUDE}`],
    ]);
  });

  it("sets aside non-finite values (as JSON.parse reads 1e400 from jsonb)", () => {
    const { setAside } = screenEvents([event("a", { quantity: Infinity }), event("b", { realized_pnl: NaN }), event("c", { price: -Infinity })], plan.measures);
    expect(setAside.map((s) => s.reason)).toEqual(["measure_not_finite", "measure_not_finite", "measure_not_finite"]);
  });

  it("checks a property read only as a product's factor", () => {
    const productOnly = new RollupPlan({
      intervals: ["1m"],
      dimensions: [],
      measures: [{ name: "value", product: ["unit_price", "units"] }],
      allowedLatenessMs: 0,
    });
    const { setAside } = screenEvents([event("a", { unit_price: 2, units: 1e300 })], productOnly.measures);
    expect(setAside).toEqual([expect.objectContaining({ reason: "measure_out_of_range", detail: expect.stringContaining("units=1e+300") })]);
  });
});
