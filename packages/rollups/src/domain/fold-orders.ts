import { mergeOrderDelta, type OrderDelta, orderDeltaOf } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";

/**
 * Folds a page of events into one delta per order (order_analytics), skipping the events stored
 * too late to fold, exactly as the rollups skip them: the lifecycle and the rollups count the
 * same events.
 */
export function foldOrders(events: readonly FoldableEvent[], allowedLatenessMs: number): OrderDelta[] {
  const byOrder = new Map<string, OrderDelta>();
  for (const event of events) {
    if (event.receivedAtMs - event.timeMs > allowedLatenessMs) continue;
    const delta = orderDeltaOf(event);
    if (!delta) continue;
    const current = byOrder.get(delta.orderId);
    if (current) mergeOrderDelta(current, delta);
    else byOrder.set(delta.orderId, delta);
  }
  return [...byOrder.values()];
}
