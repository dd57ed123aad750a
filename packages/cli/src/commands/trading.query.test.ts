import { parseTradingCommand } from "./trading.args";
import { tradingQuery } from "./trading.query";

const now = new Date("2025-01-31T12:00:00Z");
const parsed = (...argv: string[]) => {
  const command = parseTradingCommand(argv, now);
  if (command.kind === "help") throw new Error("help");
  return command;
};

describe("tradingQuery", () => {
  it("calls each figure's SQL function with typed parameters, p_by only when asked", () => {
    const from = new Date("2025-01-30T12:00:00Z");
    expect(tradingQuery(parsed("orders"))).toEqual({
      fn: "trading_order_figures",
      text: "select * from trading_order_figures($1::timestamptz, $2::timestamptz) limit $3::int",
      params: [from, now, 100],
    });
    expect(tradingQuery(parsed("orders", "--by", "side"))).toMatchObject({
      text: "select * from trading_order_figures($1::timestamptz, $2::timestamptz, $3::text) limit $4::int",
      params: [from, now, "side", 100],
    });
    expect(tradingQuery(parsed("execution", "--by", "symbol")).fn).toBe("trading_execution_figures");
    expect(tradingQuery(parsed("pnl")).fn).toBe("trading_realized_pnl");
    expect(tradingQuery(parsed("sessions")).text).toBe("select * from session_figures($1::timestamptz, $2::timestamptz) limit $3::int");
  });

  it("picks the listing function for --by position and --by gap", () => {
    expect(tradingQuery(parsed("positions"))).toEqual({ fn: "trading_exposure", text: "select * from trading_exposure($1::timestamptz) limit $2::int", params: [now, 100] });
    expect(tradingQuery(parsed("positions", "--by", "position")).fn).toBe("trading_open_positions");
    expect(tradingQuery(parsed("market-data")).text).toBe("select * from market_data_health($1::timestamptz, $2::timestamptz) limit $3::int");
    expect(tradingQuery(parsed("market-data", "--by", "gap", "--gap-factor", "3"))).toMatchObject({
      fn: "market_data_gaps",
      text: "select * from market_data_gaps($1::timestamptz, $2::timestamptz, $3::float8) limit $4::int",
    });
  });
});
