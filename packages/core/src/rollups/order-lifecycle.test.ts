import { mergeOrderDelta, type OrderDelta, orderDeltaOf, type OrderEventInput } from "./order-lifecycle";

const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

function event(n: number, eventType: string, orderId: string, second: number, properties: Record<string, unknown> = {}): OrderEventInput {
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    eventType,
    timeMs: T0 + second * 1000,
    properties: { order_id: orderId, symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha", ...properties },
  };
}

// Quantities and prices in halves and quarters: every sum is exact in any order.
const EVENTS: OrderEventInput[] = [
  event(1, "order.placed", "a", 0, { order_type: "LIMIT", price: 100, quantity: 3 }),
  event(2, "order.filled", "a", 2, { price: 100.5, quantity: 1, is_partial: true }),
  event(3, "order.filled", "a", 4, { price: 100.25, quantity: 2, is_partial: false }),
  event(4, "order.filled", "b", 1, { price: 50, quantity: 0.5, is_partial: true, side: "SELL" }),
  event(5, "order.placed", "b", 3, { order_type: "MARKET", price: 50, quantity: 2, side: "SELL" }),
  event(6, "order.canceled", "b", 5, { remaining_quantity: 1.5, side: "SELL" }),
  event(7, "order.rejected", "c", 1, { reason: "risk" }),
  event(8, "order.placed", "c", 0, { order_type: "LIMIT", price: 10, quantity: 1 }),
];

function fold(events: readonly OrderEventInput[]): Map<string, OrderDelta> {
  const byOrder = new Map<string, OrderDelta>();
  for (const e of events) {
    const delta = orderDeltaOf(e);
    if (!delta) continue;
    const current = byOrder.get(delta.orderId);
    if (current) mergeOrderDelta(current, delta);
    else byOrder.set(delta.orderId, delta);
  }
  return byOrder;
}

/** Folds each part on its own, then merges the parts' deltas in the given order (as cycles do). */
function foldInParts(parts: readonly (readonly OrderEventInput[])[]): Map<string, OrderDelta> {
  const merged = new Map<string, OrderDelta>();
  for (const part of parts) {
    for (const [id, delta] of fold(part)) {
      const current = merged.get(id);
      if (current) mergeOrderDelta(current, delta);
      else merged.set(id, delta);
    }
  }
  return merged;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("order lifecycle deltas", () => {
  it("folds placement, fills, a cancel and a reject into one delta per order", () => {
    const orders = fold(EVENTS);
    expect(orders.get("a")).toMatchObject({
      placedAtMs: T0,
      fillCount: 2,
      filledQuantity: 3,
      fillNotional: 100.5 + 200.5,
      firstFillAtMs: T0 + 2000,
      lastFillAtMs: T0 + 4000,
      finalFillAtMs: T0 + 4000,
      source: { rank: 0, orderType: "LIMIT", limitPrice: 100, quantity: 3 },
    });
    // The fill came before the placement: the placement still gives the attributes.
    expect(orders.get("b")).toMatchObject({
      placedAtMs: T0 + 3000,
      firstEventAtMs: T0 + 1000,
      lastEventAtMs: T0 + 5000,
      canceledAtMs: T0 + 5000,
      finalFillAtMs: null,
      source: { rank: 0, side: "SELL", orderType: "MARKET", quantity: 2 },
    });
    expect(orders.get("c")).toMatchObject({ rejectedAtMs: T0 + 1000, fillCount: 0, source: { quantity: 1 } });
  });

  it("gives the same deltas for any order of the events and any split into batches", () => {
    const expected = fold(EVENTS);
    for (let seed = 1; seed <= 50; seed += 1) {
      const events = shuffled(EVENTS, seed);
      const cut = (seed % (events.length - 1)) + 1;
      expect(fold(events)).toEqual(expected);
      expect(foldInParts([events.slice(cut), events.slice(0, cut)])).toEqual(expected);
      expect(foldInParts(events.map((e) => [e]))).toEqual(expected);
    }
  });

  it("takes the attributes of a fill only while no placement is known, the earliest one first", () => {
    const orders = fold([event(9, "order.filled", "d", 7, { quantity: 1, price: 5, symbol: "LATE" }), event(10, "order.filled", "d", 6, { quantity: 1, price: 5 })]);
    expect(orders.get("d")!.source).toMatchObject({ rank: 1, timeMs: T0 + 6000, symbol: "BTCUSDT", quantity: null, limitPrice: null });
  });

  it("ignores events that are not order events or have no order id", () => {
    expect(orderDeltaOf(event(11, "position.closed", "e", 0))).toBeUndefined();
    expect(orderDeltaOf({ ...event(12, "order.filled", "", 0), properties: { order_id: 42 } })).toBeUndefined();
    expect(orderDeltaOf(event(13, "order.filled", "", 0))).toBeUndefined();
  });

  it("makes an order.placed without an order id an order of its own, named by its event id (the B25 seed's examples carry none)", () => {
    const placed = { ...event(15, "order.placed", "", 0, { price: 50000, quantity: 0.1 }) };
    delete placed.properties.order_id;
    expect(orderDeltaOf(placed)).toMatchObject({ orderId: placed.eventId, placedAtMs: T0, source: { rank: 0, quantity: 0.1 } });
    expect(orderDeltaOf({ ...placed, eventType: "order.canceled" })).toBeUndefined();
  });

  it("counts a fill without a number quantity or price, but not into quantity or notional", () => {
    expect(orderDeltaOf(event(14, "order.filled", "f", 0, { quantity: "2", price: 10 }))).toMatchObject({ fillCount: 1, filledQuantity: 0, fillNotional: 0 });
  });
});
