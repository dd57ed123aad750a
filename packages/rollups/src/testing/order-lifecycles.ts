import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "@trading-analytics/core";
import { seeded } from "./trading-events";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const STRATEGIES = ["momentum", "mean-revert"];

/**
 * Orders with realistic lifecycles over `spanMs` before `endMs`: filled in one to three parts,
 * canceled after a partial fill or none, rejected, left open or partly filled. Quantities are
 * whole hundredths and prices whole cents, as a venue sends them.
 */
export function orderLifecycleEvents(orders: number, options: { endMs: number; spanMs: number; seed?: number }): AnalyticsEvent[] {
  const random = seeded(options.seed ?? 7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: AnalyticsEvent[] = [];
  for (let n = 0; n < orders; n += 1) {
    const orderId = `ord-${options.seed ?? 7}-${n}`;
    const placedAt = options.endMs - Math.floor(random() * options.spanMs);
    const common = { order_id: orderId, symbol: pick(SYMBOLS), side: pick(["BUY", "SELL"]), strategy_id: pick(STRATEGIES) };
    const price = Math.round((100 + random() * 900) * 100) / 100;
    const quantityCents = 1 + Math.floor(random() * 500);
    const emit = (eventType: string, atMs: number, properties: Record<string, unknown>) =>
      events.push({
        eventId: randomUUID(),
        eventType,
        userId: "trader",
        sessionId: null,
        properties: { ...common, ...properties },
        timestamp: new Date(atMs),
        receivedAt: new Date(atMs + 20),
        source: null,
      });
    emit("order.placed", placedAt, { order_type: pick(["LIMIT", "MARKET"]), price, quantity: quantityCents / 100 });

    const outcome = random();
    const parts = outcome < 0.45 ? 1 + Math.floor(random() * 3) : outcome < 0.7 ? 1 : 0;
    const fillAll = outcome < 0.45;
    let left = quantityCents;
    let at = placedAt;
    for (let part = 0; part < parts && left > 0; part += 1) {
      const last = fillAll && part === parts - 1;
      const cents = last ? left : Math.max(1, Math.floor(left / 2));
      left -= cents;
      at += 1 + Math.floor(random() * 5000);
      const fillPrice = Math.round((price + (random() - 0.5)) * 100) / 100;
      emit("order.filled", at, { price: fillPrice, quantity: cents / 100, notional: (fillPrice * cents) / 100, is_partial: left > 0, remaining_quantity: left / 100 });
    }
    if (!fillAll) {
      const ending = random();
      if (ending < 0.5) emit("order.canceled", at + 1 + Math.floor(random() * 5000), { remaining_quantity: left / 100 });
      else if (ending < 0.7 && parts === 0) emit("order.rejected", placedAt + 3, { reason: "risk limit" });
    }
  }
  return events;
}
