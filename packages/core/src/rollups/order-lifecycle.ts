// One order's lifecycle as events describe it (order.placed / filled / canceled / rejected),
// folded into a delta that merges with the stored order_analytics row by commutative rules:
// least and greatest times, summed fills, and the descriptive attributes of the least
// (rank, time, event id) event. Any split of an order's events into batches, in any order,
// merges to the same row.

export const ORDER_EVENT_TYPES = ["order.placed", "order.filled", "order.canceled", "order.rejected"] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** The states an order can be in (order_analytics.status). */
export const ORDER_STATUSES = ["open", "partially_filled", "filled", "canceled", "rejected"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The part of a stored event the lifecycle reads. */
export interface OrderEventInput {
  eventId: string;
  eventType: string;
  timeMs: number;
  properties: Record<string, unknown>;
}

/** Where the descriptive columns come from: the earliest order.placed (rank 0), else the earliest event. */
export interface OrderSource {
  rank: 0 | 1;
  timeMs: number;
  eventId: string;
  symbol: string | null;
  side: string | null;
  strategyId: string | null;
  orderType: string | null;
  /** Only an order.placed gives the limit price and the ordered quantity. */
  limitPrice: number | null;
  quantity: number | null;
}

export interface OrderDelta {
  orderId: string;
  source: OrderSource;
  placedAtMs: number | null;
  firstEventAtMs: number;
  lastEventAtMs: number;
  fillCount: number;
  filledQuantity: number;
  /** Sum of price × quantity of the fills that carry both. */
  fillNotional: number;
  firstFillAtMs: number | null;
  lastFillAtMs: number | null;
  /** Earliest fill with is_partial = false. */
  finalFillAtMs: number | null;
  canceledAtMs: number | null;
  rejectedAtMs: number | null;
}

/** Placed orders newly reaching each state in one merge (each order counted once per state). */
export interface OrderTransitions {
  placed: number;
  filled: number;
  canceled: number;
  rejected: number;
}

export const NO_ORDER_TRANSITIONS: Readonly<OrderTransitions> = { placed: 0, filled: 0, canceled: 0, rejected: 0 };

export function addTransitions(into: OrderTransitions, other: Readonly<OrderTransitions>): void {
  into.placed += other.placed;
  into.filled += other.filled;
  into.canceled += other.canceled;
  into.rejected += other.rejected;
}

export function isOrderEventType(eventType: string): eventType is OrderEventType {
  return (ORDER_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** The order id of an order event: a non-empty string property, else undefined (not in the lifecycle). */
export function orderIdOf(properties: Record<string, unknown>): string | undefined {
  const id = properties.order_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * The order an event belongs to: its order_id; an order.placed without one (the B25 seed's own
 * examples send none) is an order of its own, known by its event id, so it is counted as placed.
 * Other order events without an order_id cannot say which order they concern.
 */
export function orderKeyOf(event: Pick<OrderEventInput, "eventType" | "eventId" | "properties">): string | undefined {
  return orderIdOf(event.properties) ?? (event.eventType === "order.placed" ? event.eventId : undefined);
}

/** What one event says about its order; undefined for events that are not order events of a known order. */
export function orderDeltaOf(event: OrderEventInput): OrderDelta | undefined {
  if (!isOrderEventType(event.eventType)) return undefined;
  const orderId = orderKeyOf(event);
  if (orderId === undefined) return undefined;
  const p = event.properties;
  const placed = event.eventType === "order.placed";
  const at = event.timeMs;
  const delta: OrderDelta = {
    orderId,
    source: {
      rank: placed ? 0 : 1,
      timeMs: at,
      eventId: event.eventId,
      symbol: text(p.symbol),
      side: text(p.side),
      strategyId: text(p.strategy_id),
      orderType: placed ? text(p.order_type) : null,
      limitPrice: placed ? finite(p.price) : null,
      quantity: placed ? finite(p.quantity) : null,
    },
    placedAtMs: placed ? at : null,
    firstEventAtMs: at,
    lastEventAtMs: at,
    fillCount: 0,
    filledQuantity: 0,
    fillNotional: 0,
    firstFillAtMs: null,
    lastFillAtMs: null,
    finalFillAtMs: null,
    canceledAtMs: event.eventType === "order.canceled" ? at : null,
    rejectedAtMs: event.eventType === "order.rejected" ? at : null,
  };
  if (event.eventType === "order.filled") {
    const quantity = finite(p.quantity);
    const price = finite(p.price);
    delta.fillCount = 1;
    delta.filledQuantity = quantity ?? 0;
    delta.fillNotional = quantity !== null && price !== null ? price * quantity : 0;
    delta.firstFillAtMs = at;
    delta.lastFillAtMs = at;
    delta.finalFillAtMs = p.is_partial === false ? at : null;
  }
  return delta;
}

/** Merges `other` into `into` (same order id) by the rules the stored row merges by. */
export function mergeOrderDelta(into: OrderDelta, other: Readonly<OrderDelta>): void {
  if (sourceBefore(other.source, into.source)) into.source = other.source;
  into.placedAtMs = least(into.placedAtMs, other.placedAtMs);
  into.firstEventAtMs = Math.min(into.firstEventAtMs, other.firstEventAtMs);
  into.lastEventAtMs = Math.max(into.lastEventAtMs, other.lastEventAtMs);
  into.fillCount += other.fillCount;
  into.filledQuantity += other.filledQuantity;
  into.fillNotional += other.fillNotional;
  into.firstFillAtMs = least(into.firstFillAtMs, other.firstFillAtMs);
  into.lastFillAtMs = greatest(into.lastFillAtMs, other.lastFillAtMs);
  into.finalFillAtMs = least(into.finalFillAtMs, other.finalFillAtMs);
  into.canceledAtMs = least(into.canceledAtMs, other.canceledAtMs);
  into.rejectedAtMs = least(into.rejectedAtMs, other.rejectedAtMs);
}

/** (rank, time, event id) order; event ids compare as PostgreSQL compares lower-case uuids. */
export function sourceBefore(a: Readonly<OrderSource>, b: Readonly<OrderSource>): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  return a.eventId < b.eventId;
}

function least(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function greatest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
