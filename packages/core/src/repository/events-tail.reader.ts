import type { AnalyticsEvent } from "../models";
import type { Sql, SqlTransaction } from "./database";
import { EVENT_ROW_COLUMNS, type EventRow, eventFromRow } from "./event-row";

/**
 * A place in the stream of stored events: every event written by transaction `xid` or a later
 * one, less those of `xid` up to and including `afterEventId` when a page ended inside it.
 */
export interface TailPosition {
  xid: bigint;
  afterEventId?: string;
}

export interface TailPage {
  events: AnalyticsEvent[];
  next: TailPosition;
  /** True when the page was full: read again at once rather than after the poll interval. */
  more: boolean;
}

export interface TailReadOptions {
  limit: number;
  /** Only these types; undefined reads all. Skipped events are passed over, not kept for later. */
  eventTypes?: readonly string[];
}

/** The columns a reader of whole transactions wants, and how a row becomes its event. */
export interface TailRowShape<T> {
  /** A select list over events; write_xid is added to it. */
  columns: string;
  toEvent(row: Record<string, unknown>): T;
}

/** A page of whole transactions: every event of each, and where the next page starts. */
export interface TransactionsPage<T> {
  events: T[];
  nextXid: bigint;
  /** True when events below the horizon were left for the next page. */
  more: boolean;
}

type Db = Sql | SqlTransaction;

/**
 * The one reader of the stream of stored events, by the id of the transaction that wrote each
 * row (write_xid): transactions below the snapshot's xmin (the horizon) have all ended, so the
 * rows with write_xid in [position, horizon) are final and are read exactly once, however
 * concurrent writers interleave their commits. A long transaction anywhere holds the horizon
 * back, and with it every event stored after it began.
 *
 * Two ways to page: read() (the live stream) may end a page inside a transaction;
 * readTransactions() (the aggregator's fold, in its own transaction) takes whole transactions
 * only, so a cursor that moves by transaction id never splits one.
 */
export class EventsTailReader {
  constructor(private readonly sql: Sql) {}

  /** Where a tail that should see only what is stored from now on starts. */
  async horizon(db: Db = this.sql): Promise<bigint> {
    const [row] = await db<{ xmin: string }[]>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`;
    return BigInt(row!.xmin);
  }

  /** Events from `from` up to the current horizon, in write order, at most `limit` of them. */
  async read(from: TailPosition, { limit, eventTypes }: TailReadOptions): Promise<TailPage> {
    const { sql } = this;
    const horizon = await this.horizon();
    if (horizon <= from.xid) return { events: [], next: from, more: false };
    const fromXid = from.xid.toString();
    const rows = await sql<(EventRow & { write_xid: string })[]>`
      select ${sql.unsafe(EVENT_ROW_COLUMNS)}, write_xid::text as write_xid
      from events
      where write_xid >= ${fromXid}::xid8 and write_xid < ${horizon.toString()}::xid8
        ${from.afterEventId ? sql`and (write_xid, id) > (${fromXid}::xid8, ${from.afterEventId}::uuid)` : sql``}
        ${eventTypes ? sql`and event_type = any(${eventTypes as string[]}::text[])` : sql``}
      order by write_xid, id
      limit ${limit}`;
    const last = rows[rows.length - 1];
    if (rows.length < limit || !last) return { events: rows.map(eventFromRow), next: { xid: horizon }, more: false };
    return { events: rows.map(eventFromRow), next: { xid: BigInt(last.write_xid), afterEventId: last.id }, more: true };
  }

  /**
   * The events of whole transactions from `fromXid` up to the horizon, about `limit` of them:
   * a page ends at a transaction boundary, and a single transaction larger than the page is
   * taken whole. Read on `db`, so a caller's transaction sees the horizon it moves its cursor to.
   */
  async readTransactions<T>(db: Db, fromXid: bigint, limit: number, shape: TailRowShape<T>): Promise<TransactionsPage<T>> {
    const horizon = await this.horizon(db);
    if (horizon <= fromXid) return { events: [], nextXid: fromXid, more: false };
    const columns = `${shape.columns}, write_xid::text as write_xid`;
    const toEvent = (row: Record<string, unknown>) => shape.toEvent(row);
    const rows = await db<Record<string, unknown>[]>`
      select ${db.unsafe(columns)} from events
      where write_xid >= ${fromXid.toString()}::xid8 and write_xid < ${horizon.toString()}::xid8
      order by write_xid
      limit ${limit + 1}`;
    if (rows.length <= limit) return { events: rows.map(toEvent), nextXid: horizon, more: false };

    // Cut at a transaction boundary: the last transaction may be only partly in this page.
    const cutXid = rows[limit]!.write_xid as string;
    const whole = rows.filter((row) => row.write_xid !== cutXid);
    if (whole.length > 0) return { events: whole.map(toEvent), nextXid: BigInt(cutXid), more: true };

    // One transaction larger than the page: take all of it.
    const single = await db<Record<string, unknown>[]>`select ${db.unsafe(columns)} from events where write_xid = ${cutXid}::xid8`;
    return { events: single.map(toEvent), nextXid: BigInt(cutXid) + 1n, more: true };
  }
}
