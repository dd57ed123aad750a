import { type MarketQuote, quoteOf } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";

/** The quotes a page states, skipping the events stored too late to fold, as the rollups skip them. */
export function foldQuotes(events: readonly FoldableEvent[], allowedLatenessMs: number): MarketQuote[] {
  const quotes: MarketQuote[] = [];
  for (const event of events) {
    if (event.receivedAtMs - event.timeMs > allowedLatenessMs) continue;
    const quote = quoteOf(event);
    if (quote) quotes.push(quote);
  }
  return quotes;
}
