import { ParameterError, QueryParams } from "../../domain/query-params";
import { listCustomEventsRoute } from "./custom-events.contract";
import { deadLettersRoute } from "./operations.contract";
import { orderExecutionRoute } from "./orders.contract";
import { openPositionsRoute } from "./positions.contract";
import { NAME, parseParams, parseQuery } from "./query-params";
import { strategyPerformanceRoute } from "./trading.contract";

// The routes that parse with their contract must answer every request as their hand-written
// checks did: the same values, or the same field and message. Each case runs both.

type Outcome = { ok: unknown } | { field: string; message: string };

function outcome(parse: () => unknown): Outcome {
  try {
    return { ok: parse() };
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    return { field: error.field, message: error.message };
  }
}

/** The hand-written checks the routes ran before they parsed with their contract. */
const byHand = {
  positions: (raw: Record<string, unknown>) => {
    const params = new QueryParams(raw, ["at", "strategy", "symbol", "limit"]);
    return { at: params.time("at"), strategy: params.text("strategy", NAME), symbol: params.text("symbol", NAME), limit: params.integer("limit", 1, 1000) };
  },
  deadLetters: (raw: Record<string, unknown>) => ({ minutes: new QueryParams(raw, ["minutes"]).integer("minutes", 1, 24 * 60) }),
  strategy: (strategy: string) => ({ strategy: new QueryParams({ strategy }, ["strategy"]).requiredText("strategy", NAME) }),
  orderId: (orderId: string) => ({ order_id: new QueryParams({ order_id: orderId }, ["order_id"]).requiredText("order_id", { maxLength: 256 }) }),
  includeInactive: (value: unknown) => {
    if (value === undefined || value === "false") return false;
    if (value === "true") return true;
    throw new ParameterError("include_inactive", "must be true or false");
  },
};

/** Drops absent keys, which the contract leaves out and the hand checks set to undefined. */
const defined = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

const long = (length: number) => "x".repeat(length);

describe("parsing with a route's contract", () => {
  it("names the first bad parameter in the route's order, in QueryParams' words", () => {
    expect(outcome(() => parseQuery(openPositionsRoute.query, { limit: "0", at: "yesterday" }))).toEqual({
      field: "at",
      message: "must be an RFC 3339 time like 2025-10-03T12:00:00Z",
    });
    expect(outcome(() => parseQuery(openPositionsRoute.query, { venue: "x" }))).toEqual({ field: "venue", message: "unknown parameter (known: at, strategy, symbol, limit)" });
    expect(outcome(() => parseQuery(deadLettersRoute.query, { minutes: "5" }))).toEqual({ ok: { minutes: 5 } });
  });

  it.each<Record<string, unknown>>([
    {},
    { at: "2025-10-03T12:00:00Z", strategy: "alpha", symbol: "BTC-USD", limit: "10" },
    { at: "2025-10-03T12:00:00.123+02:00" },
    { at: "yesterday" },
    { at: "2025-13-03T12:00:00Z" },
    { at: "1" },
    { strategy: "" },
    { strategy: long(129) },
    { strategy: long(128) },
    { strategy: "a\u0000b" },
    { strategy: "a b" },
    { symbol: "BTC/USD:1" },
    { limit: "0" },
    { limit: "1001" },
    { limit: "1000" },
    { limit: "1.5" },
    { limit: " 1" },
    { limit: "-1" },
    { limit: "" },
    { limit: "abc" },
    { venue: "x" },
    { limit: ["1", "2"] },
    { at: "yesterday", limit: "0" },
    { limit: "0", at: "yesterday" },
    { symbol: "a b", strategy: "" },
    { venue: "x", limit: "0" },
    { limit: "0", venue: "x" },
    { limit: ["1", "2"], at: "bad" },
  ])("GET /api/v1/trading/positions?%o answers as before", (raw) => {
    const contract = outcome(() => parseQuery(openPositionsRoute.query, raw));
    expect(defined(contract)).toEqual(defined(outcome(() => byHand.positions(raw))));
  });

  it.each<Record<string, unknown>>([{}, { minutes: "1" }, { minutes: "1440" }, { minutes: "0" }, { minutes: "1441" }, { minutes: "ten" }, { minutes: ["5", "6"] }, { minute: "5" }])(
    "GET /api/v1/internal/dead-letters?%o answers as before",
    (raw) => {
      expect(defined(outcome(() => parseQuery(deadLettersRoute.query, raw)))).toEqual(defined(outcome(() => byHand.deadLetters(raw))));
    },
  );

  it.each(["alpha", "a.b_c:d/e-f", "a b", long(128), long(129), "a\u0000"])("the strategy %j in a path answers as before", (strategy) => {
    expect(outcome(() => parseParams(strategyPerformanceRoute.params, { strategy }))).toEqual(outcome(() => byHand.strategy(strategy)));
  });

  it.each(["A", "order 1/ü", long(256), long(257), "a\u0000"])("the order id %j in a path answers as before", (orderId) => {
    expect(outcome(() => parseParams(orderExecutionRoute.params, { order_id: orderId }))).toEqual(outcome(() => byHand.orderId(orderId)));
  });

  it.each<Record<string, unknown>>([{}, { order: "x" }, { x: ["1", "2"] }])("GET /api/v1/trading/orders/{order_id}?%o answers as before", (raw) => {
    expect(outcome(() => parseQuery(orderExecutionRoute.query, raw))).toEqual(
      outcome(() => {
        new QueryParams(raw, []);
        return {};
      }),
    );
  });

  it.each<Record<string, unknown>>([{}, { include_inactive: "true" }, { include_inactive: "false" }, { include_inactive: "yes" }, { include_inactive: "" }, { include_inactive: ["true", "true"] }, { other: "ignored" }])(
    "GET /api/v1/custom-events?%o answers as before",
    (raw) => {
      const contract = outcome(() => parseParams(listCustomEventsRoute.query, raw).include_inactive ?? false);
      expect(contract).toEqual(outcome(() => byHand.includeInactive(raw.include_inactive)));
    },
  );
});
