import { integerOption, isHelp, type OptionSpec, parseOptions, parseSince, positiveNumberOption, stringOption } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

/** The figures `analytics trading` prints, each read from its SQL function (docs/trading.md). */
export const TRADING_FIGURES = ["orders", "execution", "pnl", "positions", "market-data", "sessions"] as const;
export type TradingFigure = (typeof TRADING_FIGURES)[number];

/** What --by may be per figure; the first is the default where rows are always grouped. */
export const TRADING_BY: Record<TradingFigure, readonly string[]> = {
  orders: ["symbol", "strategy", "side"],
  execution: ["symbol", "strategy"],
  pnl: ["strategy", "symbol"],
  // Exposure per symbol, or each open position.
  positions: ["symbol", "position"],
  // Health per symbol, or each gap.
  "market-data": ["symbol", "gap"],
  sessions: [],
};

export type TradingCommand =
  | { kind: "range"; figure: Exclude<TradingFigure, "positions">; from: Date; to: Date; by: string | undefined; gapFactor: number | undefined; limit: number; json: boolean }
  | { kind: "at"; figure: "positions"; at: Date; by: string; limit: number; json: boolean };

const DAY_MS = 86_400_000;
export const MAX_TRADING_LIMIT = 100_000;
const DEFAULT_LIMIT = 100;

const SUMMARY: Record<TradingFigure, string> = {
  orders: "order lifecycle: placed, filled, partially filled, canceled, rejected, open; fill rates; time to first and full fill p50/p95/p99 (trading_order_figures)",
  execution: "execution quality: slippage and effective spread in bps p50/p95/p99 and volume-weighted, implementation shortfall, arrival source (trading_execution_figures)",
  pnl: "realized PnL and closed positions (trading_realized_pnl)",
  positions: "open positions marked to the latest price: exposure by symbol, or each position with --by position (trading_exposure, trading_open_positions)",
  "market-data": "market-data health per symbol: update rate, usual interval, gaps, spread p50/p95; each gap with --by gap (market_data_health, market_data_gaps)",
  sessions: "sessions, users, duration p50/p95, events per session, login to first order (session_figures)",
};

const RANGE_OPTIONS = `  --from WHEN         RFC 3339 time, date, or a duration back from now (2h, 7d); default 1d before --to
  --to WHEN           RFC 3339 time, date, or a duration back from now; default now (exclusive)`;
const COMMON_OPTIONS = `  --limit N           at most N rows, 1..${MAX_TRADING_LIMIT}; default ${DEFAULT_LIMIT}
  --json              one JSON array of the rows on stdout`;

function figureUsage(figure: TradingFigure): string {
  const by = TRADING_BY[figure];
  const lines = [
    `Usage: analytics trading ${figure} ${figure === "positions" ? "[--at WHEN]" : "[--from WHEN] [--to WHEN]"}${by.length > 0 ? ` [--by ${by.join("|")}]` : ""}${figure === "market-data" ? " [--gap-factor F]" : ""} [--limit N] [--json]`,
    "",
    `Prints ${SUMMARY[figure]}.`,
    "The figures come from the SQL function named, the one definition the API, the dashboard and Grafana use too.",
    "",
    figure === "positions" ? "  --at WHEN           RFC 3339 time, date, or a duration back from now; default now" : RANGE_OPTIONS,
  ];
  if (figure === "positions") lines.push("  --by symbol|position  exposure per symbol (default), or each open position");
  else if (figure === "market-data") lines.push("  --by symbol|gap     health per symbol (default), or each gap", "  --gap-factor F      a gap is no update for longer than F times the symbol's usual interval (the function's default when absent)");
  else if (by.length > 0) lines.push(`  --by ${by.join("|").padEnd(14)} one row per ${by.join(", ")}; default one row over everything`);
  lines.push(COMMON_OPTIONS, "", EXIT_CODES_HELP);
  return lines.join("\n");
}

export const TRADING_USAGE = {
  main: `Usage: analytics trading <figure> [options]

Prints the trading figures as a table, read straight from their SQL functions with the
configured database (database.*, DATABASE_URL).

Figures:
${TRADING_FIGURES.map((figure) => `  ${figure.padEnd(12)} ${SUMMARY[figure]}`).join("\n")}

Run "analytics trading <figure> --help" for its options.
${EXIT_CODES_HELP}`,
  ...(Object.fromEntries(TRADING_FIGURES.map((figure) => [figure, figureUsage(figure)])) as Record<TradingFigure, string>),
} as const;

function optionsOf(figure: TradingFigure): OptionSpec {
  const common: OptionSpec = { limit: { type: "string" }, json: { type: "boolean" } };
  if (TRADING_BY[figure].length > 0) common.by = { type: "string" };
  if (figure === "positions") return { ...common, at: { type: "string" } };
  if (figure === "market-data") common["gap-factor"] = { type: "string" };
  return { ...common, from: { type: "string" }, to: { type: "string" } };
}

export function parseTradingCommand(argv: readonly string[], now: Date): TradingCommand | Help {
  const [figure, ...rest] = argv;
  if (figure === undefined) throw new UsageError(`a figure is required (${TRADING_FIGURES.join(", ")})`, TRADING_USAGE.main);
  if (isHelp(figure)) return { kind: "help", text: TRADING_USAGE.main };
  if (!(TRADING_FIGURES as readonly string[]).includes(figure)) throw new UsageError(`unknown figure ${JSON.stringify(figure)}`, TRADING_USAGE.main);
  const known = figure as TradingFigure;
  const usage = TRADING_USAGE[known];
  const { values } = parseOptions(rest, usage, optionsOf(known));
  if (values.help) return { kind: "help", text: usage };
  const by = stringOption(values, "by");
  if (by !== undefined && !TRADING_BY[known].includes(by)) throw new UsageError(`--by must be one of ${TRADING_BY[known].join(", ")}`, usage);
  const limit = integerOption(stringOption(values, "limit"), "limit", usage, 1, MAX_TRADING_LIMIT) ?? DEFAULT_LIMIT;
  const json = values.json === true;
  if (known === "positions") {
    const at = stringOption(values, "at");
    return { kind: "at", figure: known, at: at === undefined ? now : parseSince(at, "at", usage, now), by: by ?? "symbol", limit, json };
  }
  const until = stringOption(values, "to");
  const since = stringOption(values, "from");
  const to = until === undefined ? now : parseSince(until, "to", usage, now);
  const from = since === undefined ? new Date(to.getTime() - DAY_MS) : parseSince(since, "from", usage, now);
  if (from.getTime() >= to.getTime()) throw new UsageError("--from must be before --to", usage);
  const gapFactor = positiveNumberOption(stringOption(values, "gap-factor"), "gap-factor", usage);
  return { kind: "range", figure: known, from, to, by, gapFactor, limit, json };
}
