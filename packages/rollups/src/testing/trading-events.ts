import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, EventPartitionsRepository, EventsRepository, type Sql } from "@trading-analytics/core";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const STRATEGIES = ["momentum", "mean-revert"];

/** A small deterministic random source (tests must reproduce their failures). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A mix of trading and user events with times spread over `spanMs` before `endMs`: orders with
 * symbol/strategy/side/price/quantity (fills with latency), market data with volume, closed
 * positions with PnL (some negative), page views from a few users and sessions.
 */
export function tradingEvents(count: number, options: { endMs: number; spanMs: number; seed?: number; receivedAtMs?: number }): AnalyticsEvent[] {
  const random = seeded(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, () => {
    const time = options.endMs - Math.floor(random() * options.spanMs);
    const symbol = pick(SYMBOLS);
    const price = Math.round((100 + random() * 900) * 100) / 100;
    const quantity = Math.round((0.01 + random() * 5) * 1000) / 1000;
    const order = { order_id: randomUUID(), symbol, side: pick(["BUY", "SELL"]), strategy_id: pick(STRATEGIES), price, quantity };
    const kind = random();
    const [eventType, properties]: [string, Record<string, unknown>] =
      kind < 0.3 ? ["market.data.update", { symbol, price, bid: price - 0.5, ask: price + 0.5, volume: quantity }]
      : kind < 0.5 ? ["order.placed", order]
      : kind < 0.65 ? ["order.filled", { ...order, latency_ms: Math.round(random() * 40 * 10) / 10 }]
      : kind < 0.7 ? ["order.canceled", order]
      : kind < 0.75 ? ["position.closed", { position_id: randomUUID(), symbol, side: "LONG", strategy_id: order.strategy_id, quantity, entry_price: price, exit_price: price + 1, realized_pnl: Math.round((random() - 0.45) * 2000) / 10 }]
      : ["page.view", { path: pick(["/", "/orders", "/positions"]) }];
    return {
      eventId: randomUUID(),
      eventType,
      userId: `user-${Math.floor(random() * 25)}`,
      sessionId: `session-${Math.floor(random() * 40)}`,
      properties,
      timestamp: new Date(time),
      receivedAt: new Date(options.receivedAtMs ?? time + 20),
      source: null,
    };
  });
}

/** Stores events the way the ingester does (partitions, then COPY in one transaction). */
export async function storeEvents(sql: Sql, events: readonly AnalyticsEvent[]): Promise<void> {
  await new EventPartitionsRepository(sql).ensureForTimes(events.map((event) => event.timestamp));
  await new EventsRepository(sql).copyMany(events);
}
