import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "@trading-analytics/core";
import { seeded } from "./trading-events";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const STRATEGIES = ["momentum", "mean-revert"];

/**
 * Positions over `spanMs` before `endMs`: long and short, most closed minutes to hours after
 * they opened (some with no realized_pnl of their own, some closed twice), some still open, some
 * whose opened event was never sent.
 */
export function positionLifecycleEvents(positions: number, options: { endMs: number; spanMs: number; seed?: number }): AnalyticsEvent[] {
  const random = seeded(options.seed ?? 5);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: AnalyticsEvent[] = [];
  for (let n = 0; n < positions; n += 1) {
    const openedAt = options.endMs - Math.floor(random() * options.spanMs);
    const side = pick(["LONG", "SHORT"] as const);
    const common = {
      position_id: `pos-${options.seed ?? 5}-${n}`,
      symbol: pick(SYMBOLS),
      side,
      strategy_id: pick(STRATEGIES),
      quantity: (1 + Math.floor(random() * 500)) / 100,
      entry_price: Math.round((100 + random() * 900) * 100) / 100,
    };
    const emit = (eventType: string, atMs: number, properties: Record<string, unknown> = {}) =>
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
    if (random() < 0.95) emit("position.opened", openedAt);
    if (random() < 0.25) continue;
    const closes = random() < 0.05 ? 2 : 1;
    for (let c = 0; c < closes; c += 1) {
      const closedAt = openedAt + Math.floor(random() * 6 * 3_600_000);
      const exit = Math.round(common.entry_price * (0.97 + random() * 0.06) * 100) / 100;
      const pnl = Math.round((exit - common.entry_price) * common.quantity * (side === "LONG" ? 1 : -1) * 1e6) / 1e6;
      emit("position.closed", closedAt, random() < 0.8 ? { exit_price: exit, realized_pnl: pnl } : { exit_price: exit });
    }
  }
  return events;
}
