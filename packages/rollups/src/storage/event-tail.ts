import {
  EventsTailReader,
  ORDER_EVENT_TYPES,
  ORDER_KEY_SQL,
  POSITION_EVENT_TYPES,
  POSITION_KEY_SQL,
  type SessionKey,
  type Sql,
  type TailRowShape,
  type TransactionsPage,
  type SqlTransaction as Tx,
} from "@trading-analytics/core";
import type { FoldableEvent } from "../domain/fold-events";

const CURSOR = "rollups";

/** A slice of newly stored events and where the cursor moves once they are folded. */
export type TailPage = TransactionsPage<FoldableEvent>;

/** Where a rebuild's read of folded events stopped. */
export interface FoldedPosition {
  time: string;
  eventId: string;
}

export interface LockedCursor {
  nextXid: bigint;
  /**
   * Changes whenever anyone moves the cursor (events folded and the instant it moved): a
   * replica that finds the version it left knows nobody has written rollups since.
   */
  version: string;
}

interface TailRow {
  id: string;
  event_type: string;
  timestamp: Date;
  created_at: Date;
  user_id: string | null;
  session_id: string | null;
  properties: Record<string, unknown>;
}

/** Only the columns a fold reads. */
const FOLDABLE: TailRowShape<FoldableEvent> = {
  columns: `id::text as id, event_type, "timestamp", created_at, user_id, session_id, properties`,
  toEvent: (row) => toFoldable(row as unknown as TailRow),
};

/**
 * The aggregation cursor over the stream of stored events, read by core's EventsTailReader in
 * whole transactions: rows under the horizon never change again, so reading [cursor, horizon)
 * and moving the cursor to the horizon in the same transaction as the rollups folds each stored
 * event exactly once, however ingester replicas interleave their commits. Also what a rebuild
 * refolds: the folded events of a range, and the orders, sessions and positions they touch.
 */
export class EventTail {
  private readonly reader: EventsTailReader;

  constructor(private readonly sql: Sql) {
    this.reader = new EventsTailReader(sql);
  }

  /** Locks the cursor for this transaction; undefined when another replica holds it. */
  async lockCursor(tx: Tx): Promise<LockedCursor | undefined> {
    const [row] = await tx<{ next_xid: string; version: string }[]>`
      select next_xid::text as next_xid, events_folded || '@' || updated_at::text as version
      from aggregation_cursors where name = ${CURSOR} for update skip locked`;
    return row ? { nextXid: BigInt(row.next_xid), version: row.version } : undefined;
  }

  /** Locks the cursor, waiting for a replica's cycle to finish (a rebuild must not interleave with folds). */
  async lockCursorWaiting(tx: Tx): Promise<LockedCursor> {
    const [row] = await tx<{ next_xid: string; version: string }[]>`
      select next_xid::text as next_xid, events_folded || '@' || updated_at::text as version
      from aggregation_cursors where name = ${CURSOR} for update`;
    return { nextXid: BigInt(row!.next_xid), version: row!.version };
  }

  /** Gives the cursor a new version without moving it: every replica's cached rollups become invalid. */
  async touchCursor(tx: Tx): Promise<void> {
    await tx`update aggregation_cursors set updated_at = clock_timestamp() where name = ${CURSOR}`;
  }

  /**
   * Folded events (write_xid below the cursor, not set aside) with "timestamp" in [from, to), in ("timestamp",
   * id) order after `after`, at most `limit`: what a rebuild of those buckets refolds. The
   * position is PostgreSQL's own text of the time, sent as text (a timestamptz parameter would pass
   * through a JS Date), so microseconds survive the round trip.
   */
  async readFolded(
    tx: Tx,
    range: { from: Date; to: Date; belowXid: bigint; orderIds?: readonly string[]; sessions?: readonly SessionKey[]; positionIds?: readonly string[] },
    after: FoldedPosition | undefined,
    limit: number,
  ): Promise<{ events: FoldableEvent[]; last: FoldedPosition | undefined }> {
    const ofOrders = range.orderIds
      ? tx`and event_type in ${tx(ORDER_EVENT_TYPES)} and ${tx.unsafe(ORDER_KEY_SQL)} = any(${tx.array([...range.orderIds])}::text[])`
      : tx``;
    const ofSessions = range.sessions
      ? tx`and session_id is not null and (session_id, coalesce(user_id, ''), user_id is null) in (
             select k.session_id, coalesce(k.user_id, ''), k.user_id is null
             from jsonb_to_recordset(${JSON.stringify(range.sessions.map((k) => ({ user_id: k.userId, session_id: k.sessionId })))}::text::jsonb)
               as k(user_id text, session_id text))`
      : tx``;
    const ofPositions = range.positionIds
      ? tx`and event_type in ${tx(POSITION_EVENT_TYPES)} and ${tx.unsafe(POSITION_KEY_SQL)} = any(${tx.array([...range.positionIds])}::text[])`
      : tx``;
    const rows = await tx<(TailRow & { time_text: string })[]>`
      select id::text as id, event_type, "timestamp", created_at, user_id, session_id, properties,
             "timestamp"::text as time_text
      from events
      where "timestamp" >= ${range.from} and "timestamp" < ${range.to} and write_xid < ${range.belowXid.toString()}::xid8
        and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
        ${ofOrders}
        ${ofSessions}
        ${ofPositions}
        ${after ? tx`and ("timestamp", id) > (${after.time}::text::timestamptz, ${after.eventId}::uuid)` : tx``}
      order by "timestamp", id
      limit ${limit}`;
    const last = rows[rows.length - 1];
    return { events: rows.map(toFoldable), last: last && { time: last.time_text, eventId: last.id } };
  }

  /**
   * The orders a rebuild of [from, to) refolds: those with a folded order event in the range, and
   * those whose stored row spans it (an event of theirs may have been deleted since).
   */
  async orderIdsIn(tx: Tx, range: { from: Date; to: Date; belowXid: bigint }): Promise<string[]> {
    const rows = await tx<{ order_id: string }[]>`
      select ${tx.unsafe(ORDER_KEY_SQL)} as order_id from events
      where "timestamp" >= ${range.from} and "timestamp" < ${range.to} and write_xid < ${range.belowXid.toString()}::xid8
        and event_type in ${tx(ORDER_EVENT_TYPES)} and ${tx.unsafe(ORDER_KEY_SQL)} is not null
      union
      select order_id from order_analytics where first_event_at < ${range.to} and last_event_at >= ${range.from}`;
    return rows.map((row) => row.order_id);
  }

  /**
   * The sessions a rebuild of [from, to) refolds: those with a folded event in the range, and
   * those whose stored row spans it (an event of theirs may have been deleted since).
   */
  async sessionsIn(tx: Tx, range: { from: Date; to: Date; belowXid: bigint }): Promise<SessionKey[]> {
    const rows = await tx<{ user_id: string | null; session_id: string }[]>`
      select user_id, session_id from events
      where "timestamp" >= ${range.from} and "timestamp" < ${range.to} and write_xid < ${range.belowXid.toString()}::xid8
        and session_id is not null
      union
      select user_id, session_id from user_sessions where started_at < ${range.to} and ended_at >= ${range.from}`;
    return rows.map((row) => ({ userId: row.user_id, sessionId: row.session_id }));
  }

  /** The positions a rebuild of [from, to) refolds, chosen as orderIdsIn chooses orders. */
  async positionIdsIn(tx: Tx, range: { from: Date; to: Date; belowXid: bigint }): Promise<string[]> {
    const rows = await tx<{ position_id: string }[]>`
      select ${tx.unsafe(POSITION_KEY_SQL)} as position_id from events
      where "timestamp" >= ${range.from} and "timestamp" < ${range.to} and write_xid < ${range.belowXid.toString()}::xid8
        and event_type in ${tx(POSITION_EVENT_TYPES)} and ${tx.unsafe(POSITION_KEY_SQL)} is not null
      union
      select position_id from positions where first_event_at < ${range.to} and last_event_at >= ${range.from}`;
    return rows.map((row) => row.position_id);
  }

  /** The next page to fold: whole transactions from `from` up to the horizon of `tx`. */
  readPage(tx: Tx, from: bigint, limit: number): Promise<TailPage> {
    return this.reader.readTransactions(tx, from, limit, FOLDABLE);
  }

  /**
   * When the oldest event not yet folded was received (epoch ms), or null when every stored event
   * is folded: the first row at or above the cursor (created_at follows write order closely, and
   * the write_xid index finds it without scanning a backlog). Rows a transaction elsewhere keeps
   * below the horizon count as waiting, and so does every row while cycles fail.
   */
  async oldestUnfoldedReceivedAt(db: Tx | Sql, cursor?: bigint): Promise<number | null> {
    const from = cursor === undefined ? db`(select next_xid from aggregation_cursors where name = ${CURSOR})` : db`${cursor.toString()}::xid8`;
    const [row] = await db<{ created_at: Date }[]>`
      select created_at from events where write_xid >= ${from} order by write_xid limit 1`;
    return row ? row.created_at.getTime() : null;
  }

  /** Events stored but not folded yet (at or above the cursor), whatever the horizon says. */
  async countUnfolded(): Promise<number> {
    const [row] = await this.sql<{ n: string }[]>`
      select count(*)::text as n from events
      where write_xid >= (select next_xid from aggregation_cursors where name = ${CURSOR})`;
    return Number(row!.n);
  }

  /** Moves the cursor; returns its new version (see LockedCursor). */
  async advanceCursor(tx: Tx, nextXid: bigint, folded: number): Promise<string> {
    const [row] = await tx<{ version: string }[]>`
      update aggregation_cursors
      set next_xid = ${nextXid.toString()}::xid8, events_folded = events_folded + ${folded}, updated_at = clock_timestamp()
      where name = ${CURSOR}
      returning events_folded || '@' || updated_at::text as version`;
    return row!.version;
  }

  /** Records events too late to fold (idempotent: a re-read records nothing twice). */
  async recordLate(tx: Tx, events: readonly FoldableEvent[]): Promise<void> {
    if (events.length === 0) return;
    const document = JSON.stringify(
      events.map((e) => ({ id: e.eventId, t: e.eventType, et: new Date(e.timeMs).toISOString(), rt: new Date(e.receivedAtMs).toISOString() })),
    );
    await tx.unsafe(
      `insert into late_events (event_id, event_type, event_time, received_at)
       select id, t, et, rt from jsonb_to_recordset($1::text::jsonb) as x(id uuid, t text, et timestamptz, rt timestamptz)
       on conflict do nothing`,
      [document],
    );
  }

  /** How many events are stored but not yet folded (for the lag metric and tests). */
  async pending(): Promise<number> {
    const [row] = await this.sql<{ n: string }[]>`
      select count(*)::text as n from events
      where write_xid >= (select next_xid from aggregation_cursors where name = ${CURSOR})`;
    return Number(row?.n ?? 0);
  }
}

function toFoldable(row: TailRow): FoldableEvent {
  return {
    eventId: row.id,
    eventType: row.event_type,
    timeMs: row.timestamp.getTime(),
    receivedAtMs: row.created_at.getTime(),
    userId: row.user_id,
    sessionId: row.session_id,
    properties: row.properties,
  };
}
