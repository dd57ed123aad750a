import { randomUUID } from "node:crypto";

/** An event as B25's producers send it (002 "Event Schema"). */
export interface TrafficEvent {
  event_id: string;
  event_type: string;
  user_id: string;
  session_id: string;
  timestamp: string;
  properties: Record<string, string | number | boolean>;
}

const MINUTE_MS = 60_000;

/**
 * `orders` orders placed 3 minutes apart from `start`, in four fates that make a per-event fill
 * rate wrong: filled in one fill; filled in three (two partial fills, then the final one);
 * partially filled then canceled; left open. Half BTCUSDT, half ETHUSDT.
 */
export function orderTraffic(start: Date, orders: number): TrafficEvent[] {
  const events: TrafficEvent[] = [];
  for (let i = 0; i < orders; i++) {
    const placedAt = start.getTime() + i * 3 * MINUTE_MS;
    const symbol = i % 2 === 0 ? "BTCUSDT" : "ETHUSDT";
    const price = symbol === "BTCUSDT" ? 50_000 + i : 3_000 + i;
    const quantity = 0.5 + (i % 3) * 0.25;
    const base = { order_id: `ord-${i}`, symbol, side: i % 3 === 0 ? "SELL" : "BUY", strategy_id: `strat-${i % 2}` };
    const event = (type: string, atMs: number, properties: Record<string, string | number | boolean>): TrafficEvent => ({
      event_id: randomUUID(),
      event_type: type,
      user_id: `trader-${i % 5}`,
      session_id: `session-${i % 4}`,
      timestamp: new Date(atMs).toISOString(),
      properties: { ...base, ...properties },
    });
    events.push(event("order.placed", placedAt, { order_type: "LIMIT", price, quantity }));
    const fill = (k: number, qty: number, partial: boolean, remaining: number) =>
      event("order.filled", placedAt + (k + 1) * MINUTE_MS, { price, quantity: qty, notional: price * qty, is_partial: partial, remaining_quantity: remaining });
    switch (i % 4) {
      case 0:
        events.push(fill(0, quantity, false, 0));
        break;
      case 1:
        events.push(fill(0, quantity / 4, true, (3 * quantity) / 4), fill(1, quantity / 4, true, quantity / 2), fill(2, quantity / 2, false, 0));
        break;
      case 2:
        events.push(fill(0, quantity / 2, true, quantity / 2), event("order.canceled", placedAt + 2 * MINUTE_MS, { remaining_quantity: quantity / 2 }));
        break;
      default:
        break;
    }
  }
  return events;
}
