// A market.data.update as the quote it states (market_quotes, migration 0022). One row per event,
// so quotes need no merge rules: duplicates never reach the fold and order does not matter.

export const MARKET_DATA_EVENT_TYPE = "market.data.update";

export interface MarketQuote {
  eventId: string;
  symbol: string;
  quotedAtMs: number;
  price: number | null;
  bid: number | null;
  ask: number | null;
}

/** The part of a stored event a quote reads. */
export interface QuoteEventInput {
  eventId: string;
  eventType: string;
  timeMs: number;
  properties: Record<string, unknown>;
}

/** The quote an event states; undefined for other events and for updates without a symbol. */
export function quoteOf(event: QuoteEventInput): MarketQuote | undefined {
  if (event.eventType !== MARKET_DATA_EVENT_TYPE) return undefined;
  const p = event.properties;
  if (typeof p.symbol !== "string" || p.symbol === "") return undefined;
  return { eventId: event.eventId, symbol: p.symbol, quotedAtMs: event.timeMs, price: finite(p.price), bid: finite(p.bid), ask: finite(p.ask) };
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
