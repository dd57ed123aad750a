import type { TradingCommand } from "./trading.args";

/** One parameterised statement: the function's name comes from the fixed table below, never from input. */
export interface TradingQuery {
  fn: string;
  text: string;
  params: (Date | string | number)[];
}

/** The SQL function behind each figure (and --by choice), as docs/trading.md defines them. */
export function tradingFunction(command: TradingCommand): string {
  switch (command.figure) {
    case "orders":
      return "trading_order_figures";
    case "execution":
      return "trading_execution_figures";
    case "pnl":
      return "trading_realized_pnl";
    case "positions":
      return command.by === "position" ? "trading_open_positions" : "trading_exposure";
    case "market-data":
      return command.by === "gap" ? "market_data_gaps" : "market_data_health";
    case "sessions":
      return "session_figures";
  }
}

/** `select * from fn(...)`: every column the function returns, in its order, so new columns show without a change here. */
export function tradingQuery(command: TradingCommand): TradingQuery {
  const fn = tradingFunction(command);
  const params: TradingQuery["params"] = [];
  const arg = (value: Date | string | number, type: string) => `$${params.push(value)}::${type}`;
  const args: string[] = [];
  if (command.kind === "at") {
    args.push(arg(command.at, "timestamptz"));
  } else {
    args.push(arg(command.from, "timestamptz"), arg(command.to, "timestamptz"));
    // market-data's --by picks the function; the others pass it as p_by (omitted: one row over everything).
    if (command.figure === "market-data") {
      if (command.gapFactor !== undefined) args.push(arg(command.gapFactor, "float8"));
    } else if (command.by !== undefined) {
      args.push(arg(command.by, "text"));
    }
  }
  const limit = `$${params.push(command.limit)}::int`;
  return { fn, text: `select * from ${fn}(${args.join(", ")}) limit ${limit}`, params };
}
