// An order.filled as the fill row it states (order_fills, migration 0026). One row per event, so
// fills need no merge rules: duplicates never reach the fold and order does not matter.
import { type OrderEventInput, orderKeyOf } from "./order-lifecycle";

export interface OrderFill {
  eventId: string;
  /** The order key, as order_analytics keys the order (orderKeyOf). */
  orderId: string;
  symbol: string | null;
  side: string | null;
  filledAtMs: number;
  price: number | null;
  quantity: number | null;
  fee: number | null;
}

/** The fill an event states; undefined for other events and for fills that name no order. */
export function fillOf(event: OrderEventInput): OrderFill | undefined {
  if (event.eventType !== "order.filled") return undefined;
  const orderId = orderKeyOf(event);
  if (orderId === undefined) return undefined;
  const p = event.properties;
  return {
    eventId: event.eventId,
    orderId,
    symbol: text(p.symbol),
    side: text(p.side),
    filledAtMs: event.timeMs,
    price: finite(p.price),
    quantity: finite(p.quantity),
    fee: finite(p.fee),
  };
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
