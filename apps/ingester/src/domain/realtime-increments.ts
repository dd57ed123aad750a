import type { AnalyticsEvent } from "@trading-analytics/core";

/** What one batch adds to the real-time counters, grouped by window. */
export interface RealtimeIncrements {
  eventsPerSecond: Map<number, Map<string, number>>;
  usersPerMinute: Map<number, Set<string>>;
  tradingPerMinute: Map<number, { orders_placed: number; orders_filled: number; filled_quantity: number; filled_notional: number }>;
  strategiesStarted: Set<string>;
  strategiesStopped: Set<string>;
}

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);

export function realtimeIncrements(events: readonly AnalyticsEvent[]): RealtimeIncrements {
  const result: RealtimeIncrements = {
    eventsPerSecond: new Map(),
    usersPerMinute: new Map(),
    tradingPerMinute: new Map(),
    strategiesStarted: new Set(),
    strategiesStopped: new Set(),
  };
  for (const event of events) {
    const ms = event.receivedAt.getTime();
    const second = Math.floor(ms / 1000);
    const minute = Math.floor(ms / 60_000);
    const types = result.eventsPerSecond.get(second) ?? new Map<string, number>();
    types.set(event.eventType, (types.get(event.eventType) ?? 0) + 1);
    result.eventsPerSecond.set(second, types);
    if (event.userId) {
      const users = result.usersPerMinute.get(minute) ?? new Set<string>();
      users.add(event.userId);
      result.usersPerMinute.set(minute, users);
    }
    const properties = event.properties as Record<string, unknown>;
    if (event.eventType === "order.placed" || event.eventType === "order.filled") {
      const trading = result.tradingPerMinute.get(minute) ?? { orders_placed: 0, orders_filled: 0, filled_quantity: 0, filled_notional: 0 };
      if (event.eventType === "order.placed") trading.orders_placed++;
      else {
        // A partly filled order emits several fills; it counts as filled once, on its last.
        if (properties.is_partial !== true) trading.orders_filled++;
        trading.filled_quantity += num(properties.quantity);
        trading.filled_notional += num(properties.notional) || num(properties.price) * num(properties.quantity);
      }
      result.tradingPerMinute.set(minute, trading);
    }
    const strategy = typeof properties.strategy_id === "string" ? properties.strategy_id : undefined;
    if (strategy && event.eventType === "strategy.started") {
      result.strategiesStarted.add(strategy);
      result.strategiesStopped.delete(strategy);
    }
    if (strategy && event.eventType === "strategy.stopped") {
      result.strategiesStopped.add(strategy);
      result.strategiesStarted.delete(strategy);
    }
  }
  return result;
}
