import { type ExecutionPage, fillOf, type MarketQuote, type OrderDelta, type OrderFill } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";

/** The fills a page states (order_fills), skipping the events stored too late to fold, as the lifecycle skips them. */
export function foldFills(events: readonly FoldableEvent[], allowedLatenessMs: number): OrderFill[] {
  const fills: OrderFill[] = [];
  for (const event of events) {
    if (event.receivedAtMs - event.timeMs > allowedLatenessMs) continue;
    const fill = fillOf(event);
    if (fill) fills.push(fill);
  }
  return fills;
}

/**
 * What execution quality must re-mark after a page: its fills, its quotes, and the orders whose
 * placement (time, symbol, limit price) or end (cancel, reject) the page may have moved; other
 * order events leave the marks as they are. Every order of the page is merged (and marked) first.
 */
export function executionPageOf(
  events: readonly FoldableEvent[],
  deltas: readonly OrderDelta[],
  quotes: readonly MarketQuote[],
  allowedLatenessMs: number,
): ExecutionPage {
  const orderIds = deltas
    .filter((delta) => delta.placedAtMs !== null || delta.canceledAtMs !== null || delta.rejectedAtMs !== null)
    .map((delta) => delta.orderId);
  return { orderIds, mergedOrderIds: deltas.map((delta) => delta.orderId), quotes, fills: foldFills(events, allowedLatenessMs) };
}
