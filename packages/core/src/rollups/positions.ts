// One position's life as events describe it (position.opened / position.closed), folded into a
// delta that merges with the stored `positions` row by commutative rules: least and greatest
// times, the descriptive attributes of the least (rank, time, event id) event (an opened event
// before a closed one), and the close of the least (time, event id) closed event. Any split of a
// position's events into batches, in any order, merges to the same row.

export const POSITION_EVENT_TYPES = ["position.opened", "position.closed"] as const;
export type PositionEventType = (typeof POSITION_EVENT_TYPES)[number];

/** The part of a stored event the positions fold reads. */
export interface PositionEventInput {
  eventId: string;
  eventType: string;
  timeMs: number;
  properties: Record<string, unknown>;
}

/** Where the descriptive columns come from: the earliest position.opened (rank 0), else the earliest close. */
export interface PositionSource {
  rank: 0 | 1;
  timeMs: number;
  eventId: string;
  symbol: string | null;
  side: string | null;
  strategyId: string | null;
  quantity: number | null;
  entryPrice: number | null;
}

/** The earliest position.closed of the position (ties by event id): when and at what price it closed. */
export interface PositionClose {
  timeMs: number;
  eventId: string;
  exitPrice: number | null;
  /** As the close event reports it; the table computes one when it is missing. */
  realizedPnl: number | null;
}

export interface PositionDelta {
  positionId: string;
  source: PositionSource;
  /** Earliest position.opened; null until one is folded. */
  openedAtMs: number | null;
  close: PositionClose | null;
  firstEventAtMs: number;
  lastEventAtMs: number;
}

export function isPositionEventType(eventType: string): eventType is PositionEventType {
  return (POSITION_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** The position id of a position event: a non-empty string property, else undefined (not in the table). */
export function positionIdOf(properties: Record<string, unknown>): string | undefined {
  const id = properties.position_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** What one event says about its position; undefined for events that are not position events with an id. */
export function positionDeltaOf(event: PositionEventInput): PositionDelta | undefined {
  if (!isPositionEventType(event.eventType)) return undefined;
  const positionId = positionIdOf(event.properties);
  if (positionId === undefined) return undefined;
  const p = event.properties;
  const opened = event.eventType === "position.opened";
  const at = event.timeMs;
  return {
    positionId,
    source: {
      rank: opened ? 0 : 1,
      timeMs: at,
      eventId: event.eventId,
      symbol: text(p.symbol),
      side: text(p.side),
      strategyId: text(p.strategy_id),
      quantity: finite(p.quantity),
      entryPrice: finite(p.entry_price),
    },
    openedAtMs: opened ? at : null,
    close: opened ? null : { timeMs: at, eventId: event.eventId, exitPrice: finite(p.exit_price), realizedPnl: finite(p.realized_pnl) },
    firstEventAtMs: at,
    lastEventAtMs: at,
  };
}

/** Merges `other` into `into` (same position id) by the rules the stored row merges by. */
export function mergePositionDelta(into: PositionDelta, other: Readonly<PositionDelta>): void {
  if (positionSourceBefore(other.source, into.source)) into.source = other.source;
  if (other.close && (!into.close || closeBefore(other.close, into.close))) into.close = other.close;
  into.openedAtMs = into.openedAtMs === null ? other.openedAtMs : other.openedAtMs === null ? into.openedAtMs : Math.min(into.openedAtMs, other.openedAtMs);
  into.firstEventAtMs = Math.min(into.firstEventAtMs, other.firstEventAtMs);
  into.lastEventAtMs = Math.max(into.lastEventAtMs, other.lastEventAtMs);
}

/** (rank, time, event id) order; event ids compare as PostgreSQL compares lower-case uuids. */
export function positionSourceBefore(a: Readonly<PositionSource>, b: Readonly<PositionSource>): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.timeMs !== b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
}

function closeBefore(a: Readonly<PositionClose>, b: Readonly<PositionClose>): boolean {
  return a.timeMs !== b.timeMs ? a.timeMs < b.timeMs : a.eventId < b.eventId;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
