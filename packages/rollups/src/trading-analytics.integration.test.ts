import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, OrderLifecycleRepository, RollupsRepository, TradingAnalyticsReader } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, testCycle } from "./testing/aggregator-fixture";
import { storeEvents } from "./testing/trading-events";

// A hand-computed minute of trading, stored, folded by the aggregator, read back.
const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);

function at(second: number, eventType: string, properties: Record<string, unknown>): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return { eventId: randomUUID(), eventType, userId: "trader-1", sessionId: "s-1", properties, timestamp, receivedAt: timestamp, source: null };
}

const tick = (second: number, price: number, volume: number) => at(second, "market.data.update", { symbol: "BTCUSDT", price, volume });
const order = (second: number, eventType: string, orderId: string, strategy: string, extra: Record<string, unknown> = {}) =>
  at(second, eventType, { order_id: orderId, symbol: "BTCUSDT", side: "BUY", strategy_id: strategy, ...extra });

const FIXTURE = [
  // Ticks out of order: open is the earliest (100), close the latest (101).
  tick(3, 98, 3),
  tick(1, 100, 2),
  tick(4, 101, 4),
  tick(2, 105, 1),
  tick(5, 50, 7),
  order(10, "order.placed", "o1", "alpha", { price: 100, quantity: 1 }),
  order(11, "order.placed", "o2", "alpha", { price: 100, quantity: 2 }),
  order(12, "order.placed", "o3", "alpha", { price: 100, quantity: 1 }),
  order(13, "order.placed", "o4", "beta", { price: 100, quantity: 1 }),
  order(14, "order.filled", "o1", "alpha", { price: 100.5, quantity: 1, is_partial: false }),
  order(15, "order.filled", "o2", "alpha", { price: 101, quantity: 2, is_partial: false }),
  order(16, "order.filled", "o4", "beta", { price: 99, quantity: 1, is_partial: false }),
  order(17, "order.canceled", "o3", "alpha"),
  at(20, "signal.generated", { strategy_id: "alpha", symbol: "BTCUSDT", direction: "LONG" }),
  at(21, "position.closed", { position_id: "p1", symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 1, entry_price: 100, exit_price: 103, realized_pnl: 3 }),
  at(22, "position.closed", { position_id: "p2", symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 101, exit_price: 100, realized_pnl: -2 }),
];

describe("trading analytics from rollups", () => {
  let db: TestDatabase;
  let reader: TradingAnalyticsReader;

  beforeAll(async () => {
    db = await createTestDatabase("trading_analytics");
    await storeEvents(db.sql, FIXTURE.slice(0, 8));
    await drain(testCycle(db.sql));
    await storeEvents(db.sql, FIXTURE.slice(8)); // a second cycle merges into the stored buckets
    await drain(testCycle(db.sql));
    reader = new TradingAnalyticsReader(new RollupsRepository(db.sql), new OrderLifecycleRepository(db.sql));
  });

  afterAll(async () => {
    await db.drop();
  });

  const range = (interval: "1m" | "1h") => ({ interval, from: new Date(MINUTE - 3_600_000), to: new Date(MINUTE + 3_600_000) });

  it("builds the OHLCV candle and VWAP of the minute, and the same from the hour", async () => {
    // open 100 (s1), high 105, low 50, close 50 (s5); volume 2+1+3+4+7 = 17;
    // VWAP = (100·2 + 105·1 + 98·3 + 101·4 + 50·7) / 17 = 1353 / 17.
    const expected = { open: 100, high: 105, low: 50, close: 50, volume: 17, updates: 5 };
    for (const interval of ["1m", "1h"] as const) {
      const [candle, ...rest] = await reader.candles("BTCUSDT", range(interval));
      expect(rest).toEqual([]);
      expect(candle).toMatchObject(expected);
      expect(candle!.vwap).toBeCloseTo(1353 / 17, 10);
    }
  });

  it("computes per-order fill, cancel and reject rates in percent, overall and per strategy", async () => {
    expect(await reader.orderRates(range("1m"))).toEqual({
      placed: 4, filled: 3, partiallyFilled: 0, canceled: 1, rejected: 0, open: 0, orderedQuantity: 5, filledQuantity: 4,
      fillRate: 75, cancelRate: 25, rejectRate: 0, quantityFillRate: 80,
    });
    expect(await reader.orderRates(range("1h"), { dimension: "strategy", value: "alpha" })).toMatchObject({ placed: 3, filled: 2, fillRate: 200 / 3 });
  });

  it("sums a strategy's signals, orders, fills, filled notional and realized PnL", async () => {
    expect(await reader.strategyPerformance("alpha", range("1m"))).toEqual({
      strategy: "alpha",
      signals: 1,
      orders: 3,
      fills: 2,
      ordersPlaced: 3,
      ordersFilled: 2,
      filledNotional: 100.5 * 1 + 101 * 2,
      realizedPnl: 1,
      closedPositions: 2,
    });
  });

  it("totals filled quantity and notional per strategy and lists the active strategies", async () => {
    expect(await reader.volumeBy("strategy", range("1m"))).toEqual([
      { value: "alpha", fills: 2, quantity: 3, notional: 100.5 * 1 + 101 * 2 },
      { value: "beta", fills: 1, quantity: 1, notional: 99 },
    ]);
    expect(await reader.activeStrategies(range("1h"))).toEqual(["alpha", "beta"]);
  });

  it("reads every strategy's performance in one query, equal to reading each strategy on its own", async () => {
    for (const interval of ["1m", "1h"] as const) {
      const rollups = new RollupsRepository(db.sql);
      const calls: string[] = [];
      for (const method of ["series", "covering", "totalsByValue"] as const) {
        const original = rollups[method].bind(rollups) as (...args: unknown[]) => unknown;
        (rollups as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          calls.push(method);
          return original(...args);
        };
      }
      const all = await new TradingAnalyticsReader(rollups, new OrderLifecycleRepository(db.sql)).allStrategyPerformances(range(interval));
      expect(calls).toEqual(["totalsByValue"]);
      const oneByOne = await Promise.all(["alpha", "beta"].map((name) => reader.strategyPerformance(name, range(interval))));
      expect(all).toEqual(oneByOne);
    }
  });
});
