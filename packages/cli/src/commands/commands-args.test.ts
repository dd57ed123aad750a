import { UsageError } from "../cli-errors";
import { parseDeadLettersCommand } from "./dead-letters.args";
import { expectedEvents, parseDemoCommand } from "./demo.args";
import { parseEventTypeCommand } from "./event-type.args";
import { parseMigrateCommand } from "./migrate.args";
import { daysText, MAX_REBUILD_DAYS, parseRollupsCommand } from "./rollups.args";
import { parseTradingCommand, TRADING_FIGURES, TRADING_USAGE } from "./trading.args";

const tradingNow = new Date("2025-01-31T12:00:00Z");
const parsedTrading = (...argv: string[]) => {
  const command = parseTradingCommand(argv, tradingNow);
  if (command.kind === "help") throw new Error("help");
  return command;
};

describe("command arguments", () => {
  const now = new Date("2025-01-31T12:00:00Z");

  it("gives help for --help, -h and help at every level", () => {
    expect(parseMigrateCommand(["--help"])).toMatchObject({ kind: "help", text: expect.stringContaining("Usage: analytics migrate") });
    expect(parseEventTypeCommand(["help"])).toMatchObject({ kind: "help", text: expect.stringContaining("Commands:") });
    expect(parseEventTypeCommand(["define", "-h"])).toMatchObject({ kind: "help", text: expect.stringContaining("--schema FILE") });
    expect(parseDeadLettersCommand(["replay", "--help"], now)).toMatchObject({ kind: "help", text: expect.stringContaining("event_id") });
    expect(parseDemoCommand(["-h"])).toMatchObject({ kind: "help" });
    expect(parseRollupsCommand(["rebuild", "--help"])).toMatchObject({ kind: "help", text: expect.stringContaining("--yes") });
  });

  it("parses event-type define and list", () => {
    expect(parseEventTypeCommand(["define", "custom.trading.signal", "--schema", "s.json", "--display-name", "Signal"])).toEqual({
      kind: "define",
      name: "custom.trading.signal",
      schemaFile: "s.json",
      displayName: "Signal",
      description: undefined,
      json: false,
    });
    expect(parseEventTypeCommand(["list", "custom.x", "--json"])).toEqual({ kind: "list", name: "custom.x", json: true });
    expect(() => parseEventTypeCommand(["define", "custom.x"])).toThrow("--schema is required");
    expect(() => parseEventTypeCommand(["define", "--schema", "s.json"])).toThrow("exactly one event type NAME");
    expect(() => parseEventTypeCommand(["drop", "custom.x"])).toThrow('unknown command "drop"');
  });

  it("parses dead-letters list and replay", () => {
    expect(parseDeadLettersCommand(["list"], now)).toEqual({ kind: "list", since: undefined, json: false });
    expect(parseDeadLettersCommand(["replay", "--since", "1h", "--dry-run"], now)).toEqual({
      kind: "replay",
      since: new Date("2025-01-31T11:00:00Z"),
      dryRun: true,
      json: false,
      toTopic: undefined,
    });
    expect(parseDeadLettersCommand(["replay", "--to-topic", "repair.queue"], now)).toMatchObject({ kind: "replay", toTopic: "repair.queue" });
    expect(() => parseDeadLettersCommand(["replay", "--to-topic", "bad topic"], now)).toThrow(UsageError);
    expect(() => parseDeadLettersCommand(["replay", "--force"], now)).toThrow(UsageError);
    expect(() => parseDeadLettersCommand([], now)).toThrow("a command is required");
  });

  it("parses demo with its defaults, and knows how many events to expect", () => {
    const plain = parseDemoCommand([]);
    expect(plain).toEqual({ kind: "demo", rate: 200, events: undefined, durationMs: undefined, seed: undefined, topic: undefined });
    const bounded = parseDemoCommand(["--rate", "50", "--duration", "10s", "--events", "1000", "--seed", "7", "--topic", "t"]);
    expect(bounded).toEqual({ kind: "demo", rate: 50, events: 1000, durationMs: 10_000, seed: 7, topic: "t" });
    expect(expectedEvents(bounded as Exclude<typeof bounded, { kind: "help" }>)).toBe(500);
    expect(expectedEvents(plain as Exclude<typeof plain, { kind: "help" }>)).toBeUndefined();
    expect(() => parseDemoCommand(["--rate", "fast"])).toThrow("--rate: a positive number");
    expect(() => parseDemoCommand(["extra"])).toThrow('unexpected argument "extra"');
  });

  it("parses rollups rebuild, refusing an empty, reversed or huge range", () => {
    expect(parseRollupsCommand(["rebuild", "--from", "2025-01-30", "--to", "2025-01-31T06:00:00Z", "-y"])).toEqual({
      kind: "rebuild",
      from: new Date("2025-01-30T00:00:00Z"),
      to: new Date("2025-01-31T06:00:00Z"),
      yes: true,
      json: false,
    });
    expect(() => parseRollupsCommand(["rebuild", "--from", "2025-01-30"])).toThrow("--to is required");
    expect(() => parseRollupsCommand(["rebuild", "--from", "2025-01-30", "--to", "2025-01-30"])).toThrow("--to must be later than --from");
    expect(() => parseRollupsCommand(["rebuild", "--from", "1990-01-01", "--to", "2025-01-30"])).toThrow(`at most ${MAX_REBUILD_DAYS}`);
    expect(() => parseRollupsCommand(["refold"])).toThrow('unknown command "refold"');
  });

  it("names a range of days the way the confirmation asks about it", () => {
    expect(daysText([new Date("2025-01-30T00:00:00Z")])).toBe("2025-01-30");
    expect(daysText([new Date("2025-01-30T00:00:00Z"), new Date("2025-01-31T00:00:00Z")])).toBe("2025-01-30 … 2025-01-31 (2 days)");
  });
});

describe("analytics trading arguments", () => {
  it("gives help for the group and every figure", () => {
    expect(parseTradingCommand(["--help"], tradingNow)).toMatchObject({ kind: "help", text: expect.stringContaining("Usage: analytics trading <figure>") });
    for (const figure of TRADING_FIGURES) {
      expect(parseTradingCommand([figure, "-h"], tradingNow)).toEqual({ kind: "help", text: TRADING_USAGE[figure] });
      expect(TRADING_USAGE[figure]).toMatch(/Exit codes: 0 .*1 .*2 usage error/s);
    }
  });

  it("defaults to the last day, one row over everything, 100 rows", () => {
    expect(parsedTrading("orders")).toEqual({
      kind: "range",
      figure: "orders",
      from: new Date("2025-01-30T12:00:00Z"),
      to: tradingNow,
      by: undefined,
      gapFactor: undefined,
      limit: 100,
      json: false,
    });
    expect(parsedTrading("positions")).toEqual({ kind: "at", figure: "positions", at: tradingNow, by: "symbol", limit: 100, json: false });
  });

  it("takes RFC 3339 times, dates and durations back from now", () => {
    expect(parsedTrading("execution", "--from", "2025-01-01", "--to", "2025-01-02T06:00:00Z", "--by", "strategy", "--json")).toMatchObject({
      from: new Date("2025-01-01T00:00:00Z"),
      to: new Date("2025-01-02T06:00:00Z"),
      by: "strategy",
      json: true,
    });
    expect(parsedTrading("pnl", "--from", "7d")).toMatchObject({ from: new Date("2025-01-24T12:00:00Z"), to: tradingNow });
    expect(parsedTrading("positions", "--at", "2h", "--by", "position", "--limit", "5")).toMatchObject({ at: new Date("2025-01-31T10:00:00Z"), by: "position", limit: 5 });
    expect(parsedTrading("market-data", "--gap-factor", "2.5", "--by", "gap")).toMatchObject({ by: "gap", gapFactor: 2.5 });
  });

  it("refuses what a figure does not take, naming the option", () => {
    expect(() => parseTradingCommand([], tradingNow)).toThrow("a figure is required");
    expect(() => parseTradingCommand(["fills"], tradingNow)).toThrow('unknown figure "fills"');
    expect(() => parsedTrading("orders", "--by", "venue")).toThrow("--by must be one of symbol, strategy, side");
    expect(() => parsedTrading("sessions", "--by", "user")).toThrow(UsageError);
    expect(() => parsedTrading("positions", "--from", "1d")).toThrow("Unknown option '--from'");
    expect(() => parsedTrading("orders", "--at", "1d")).toThrow("Unknown option '--at'");
    expect(() => parsedTrading("orders", "--gap-factor", "2")).toThrow("Unknown option '--gap-factor'");
    expect(() => parsedTrading("orders", "--from", "2025-01-31T12:00:00Z")).toThrow("--from must be before --to");
    expect(() => parsedTrading("pnl", "--to", "yesterday")).toThrow("--to: an RFC 3339 time");
    expect(() => parsedTrading("market-data", "--gap-factor", "0")).toThrow("--gap-factor: a positive number");
    expect(() => parsedTrading("orders", "--limit", "0")).toThrow("--limit: a whole number from 1");
  });
});
