import { quoteOf } from "./market-quotes";

const update = (properties: Record<string, unknown>, eventType = "market.data.update") => ({ eventId: "e1", eventType, timeMs: 1_000, properties });

describe("quoteOf", () => {
  it("reads symbol, price, bid and ask of a market data update at its event time", () => {
    expect(quoteOf(update({ symbol: "BTCUSDT", price: 100.5, bid: 100, ask: 101, volume: 2 }))).toEqual({
      eventId: "e1",
      symbol: "BTCUSDT",
      quotedAtMs: 1_000,
      price: 100.5,
      bid: 100,
      ask: 101,
    });
  });

  it("keeps a one-sided or price-only update, with what it lacks as null", () => {
    expect(quoteOf(update({ symbol: "ETHUSDT", price: "3400", bid: 3399 }))).toMatchObject({ price: null, bid: 3399, ask: null });
  });

  it("ignores other event types and updates without a symbol", () => {
    expect(quoteOf(update({ symbol: "BTCUSDT", price: 1 }, "order.placed"))).toBeUndefined();
    expect(quoteOf(update({ symbol: "", price: 1 }))).toBeUndefined();
    expect(quoteOf(update({ price: 1 }))).toBeUndefined();
  });
});
