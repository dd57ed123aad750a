import type { Sql } from "@trading-analytics/core";
import { TRADING_TARGETS, tradingScenarios } from "./trading-scenarios";

const END = new Date("2026-12-07T09:00:00.000Z");
const scenarios = tradingScenarios({} as Sql, END, { primedKey: async () => "key" });

describe("tradingScenarios", () => {
  it("reads every trading route over the last day and 30 days (positions at one instant), uncached and cached", () => {
    const stems = ["fill_rate_1d", "fill_rate_30d", "orders_1d", "orders_30d", "execution_1d", "execution_30d", "pnl_1d", "pnl_30d", "positions_now"];
    const names = [...stems, "market_data_health_1d", "market_data_health_30d", "sessions_1d", "sessions_30d"].flatMap((stem) => [`trading_${stem}`, `trading_${stem}_cached`]);
    expect(scenarios.map((scenario) => scenario.name)).toEqual(names);
  });

  it("asks for whole, fixed ranges so a cached result is found again, and judges each against its target", () => {
    const orders = scenarios.find((scenario) => scenario.name === "trading_orders_30d")!;
    expect(orders.path).toBe("/api/v1/trading/orders?start_time=2026-11-07T09:00:00.000Z&end_time=2026-12-07T09:00:00.000Z");
    expect(scenarios.find((scenario) => scenario.name === "trading_pnl_1d")!.path).toContain("&interval=1h");
    expect(scenarios.find((scenario) => scenario.name === "trading_positions_now")!.path).toBe("/api/v1/trading/positions?at=2026-12-07T09:00:00.000Z");
    for (const scenario of scenarios) {
      const isCached = scenario.name.endsWith("_cached");
      expect({ name: scenario.name, api: scenario.api, cache: scenario.cache, target: scenario.targetP99Ms }).toEqual({
        name: scenario.name,
        api: isCached ? "cached" : undefined,
        cache: isCached ? "HIT" : "BYPASS",
        target: isCached ? TRADING_TARGETS.cachedP99Ms : TRADING_TARGETS.uncachedP99Ms,
      });
    }
  });

  it("takes the cached floor's key from the request that primed the cache", async () => {
    const cached = scenarios.find((scenario) => scenario.name === "trading_sessions_1d_cached")!;
    await cached.prepare!();
    expect(cached.floor.kind === "redis" && cached.floor.key()).toBe("key");
  });
});
