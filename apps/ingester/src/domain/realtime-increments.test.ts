import type { AnalyticsEvent } from "@trading-analytics/core";
import { realtimeIncrements } from "./realtime-increments";

const at = (iso: string) => new Date(iso);
let n = 0;
function event(eventType: string, receivedAt: string, properties: Record<string, unknown> = {}, userId: string | null = "u1"): AnalyticsEvent {
  return { eventId: `id-${n++}`, eventType, userId, sessionId: null, properties, timestamp: at(receivedAt), receivedAt: at(receivedAt), source: null };
}

describe("realtimeIncrements", () => {
  it("counts events per type per receipt second and distinct users per minute", () => {
    const result = realtimeIncrements([
      event("page.view", "2025-10-03T12:00:00.100Z"),
      event("page.view", "2025-10-03T12:00:00.900Z", {}, "u2"),
      event("user.login", "2025-10-03T12:00:01.000Z", {}, null),
    ]);
    const second = Date.parse("2025-10-03T12:00:00Z") / 1000;
    expect(Object.fromEntries(result.eventsPerSecond.get(second)!)).toEqual({ "page.view": 2 });
    expect(Object.fromEntries(result.eventsPerSecond.get(second + 1)!)).toEqual({ "user.login": 1 });
    expect([...result.usersPerMinute.get(second / 60)!].sort()).toEqual(["u1", "u2"]);
  });

  it("counts an order as filled once, on its last fill, and adds every fill's volume", () => {
    const result = realtimeIncrements([
      event("order.placed", "2025-10-03T12:00:00Z", { order_id: "o1" }),
      event("order.filled", "2025-10-03T12:00:01Z", { is_partial: true, quantity: 1, price: 10, notional: 10 }),
      event("order.filled", "2025-10-03T12:00:02Z", { is_partial: false, quantity: 2, price: 11 }),
    ]);
    expect(result.tradingPerMinute.get(Date.parse("2025-10-03T12:00:00Z") / 60_000)).toEqual({
      orders_placed: 1,
      orders_filled: 1,
      filled_quantity: 3,
      filled_notional: 32,
    });
  });

  it("tracks the strategies a batch leaves running", () => {
    const result = realtimeIncrements([
      event("strategy.started", "2025-10-03T12:00:00Z", { strategy_id: "a" }),
      event("strategy.started", "2025-10-03T12:00:00Z", { strategy_id: "b" }),
      event("strategy.stopped", "2025-10-03T12:00:01Z", { strategy_id: "a" }),
    ]);
    expect([...result.strategiesStarted]).toEqual(["b"]);
    expect([...result.strategiesStopped]).toEqual(["a"]);
  });
});
