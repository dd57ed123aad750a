import { mergePositionDelta, type PositionDelta, positionDeltaOf, type PositionEventInput } from "./positions";

const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

function event(n: number, eventType: string, positionId: string, second: number, properties: Record<string, unknown> = {}): PositionEventInput {
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    eventType,
    timeMs: T0 + second * 1000,
    properties: { position_id: positionId, symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 100, ...properties },
  };
}

const EVENTS: PositionEventInput[] = [
  event(1, "position.opened", "a", 0),
  event(2, "position.closed", "a", 9, { exit_price: 103, realized_pnl: 6 }),
  // Closed before (in time) its open event was stored; a second close, later, loses.
  event(3, "position.closed", "b", 5, { side: "SHORT", exit_price: 40, realized_pnl: 20 }),
  event(4, "position.opened", "b", 1, { side: "SHORT", entry_price: 50 }),
  event(5, "position.closed", "b", 7, { side: "SHORT", exit_price: 45, realized_pnl: 10 }),
  event(6, "position.opened", "c", 2, { symbol: "ETHUSDT" }),
  event(7, "position.closed", "", 3),
  event(8, "order.placed", "c", 3),
];

function fold(events: readonly PositionEventInput[]): Map<string, PositionDelta> {
  const byPosition = new Map<string, PositionDelta>();
  for (const e of events) {
    const delta = positionDeltaOf(e);
    if (!delta) continue;
    const current = byPosition.get(delta.positionId);
    if (current) mergePositionDelta(current, delta);
    else byPosition.set(delta.positionId, delta);
  }
  return byPosition;
}

function foldInParts(parts: readonly (readonly PositionEventInput[])[]): Map<string, PositionDelta> {
  const merged = new Map<string, PositionDelta>();
  for (const part of parts) {
    for (const [id, delta] of fold(part)) {
      const current = merged.get(id);
      if (current) mergePositionDelta(current, delta);
      else merged.set(id, delta);
    }
  }
  return merged;
}

const sorted = (map: Map<string, PositionDelta>) => [...map.values()].sort((x, y) => x.positionId.localeCompare(y.positionId));

describe("positions fold", () => {
  it("keeps the opened event's attributes, its time, and the earliest close", () => {
    const b = fold(EVENTS).get("b")!;
    expect(b.source).toMatchObject({ rank: 0, side: "SHORT", entryPrice: 50, quantity: 2 });
    expect(b.openedAtMs).toBe(T0 + 1000);
    expect(b.close).toEqual({ timeMs: T0 + 5000, eventId: EVENTS[2]!.eventId, exitPrice: 40, realizedPnl: 20 });
    expect([b.firstEventAtMs, b.lastEventAtMs]).toEqual([T0 + 1000, T0 + 7000]);
  });

  it("leaves out events without a position id and other event types", () => {
    expect([...fold(EVENTS).keys()].sort()).toEqual(["a", "b", "c"]);
  });

  it("takes the attributes of a close until an opened event is folded", () => {
    const only = fold([EVENTS[2]!]).get("b")!;
    expect(only.openedAtMs).toBeNull();
    expect(only.source).toMatchObject({ rank: 1, entryPrice: 100 });
  });

  it("reads a missing or non-numeric figure as null", () => {
    const delta = positionDeltaOf(event(9, "position.closed", "d", 0, { exit_price: "1", realized_pnl: undefined, quantity: Number.NaN }))!;
    expect(delta.close).toMatchObject({ exitPrice: null, realizedPnl: null });
    expect(delta.source.quantity).toBeNull();
  });

  it("merges to the same deltas whatever the order and split of the events", () => {
    const expected = sorted(fold(EVENTS));
    const reversed = [...EVENTS].reverse();
    expect(sorted(fold(reversed))).toEqual(expected);
    expect(sorted(foldInParts([reversed.slice(0, 3), reversed.slice(3)]))).toEqual(expected);
    expect(sorted(foldInParts(EVENTS.map((e) => [e])))).toEqual(expected);
    expect(sorted(foldInParts([EVENTS.slice(4), EVENTS.slice(0, 4)]))).toEqual(expected);
  });
});
