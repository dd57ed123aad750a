import type { AnalyticsEvent } from "../models";
import type { Sql } from "./database";
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

/**
 * Follows newly stored events by the id of the transaction that wrote each row (write_xid), as
 * the aggregator does: transactions below the snapshot's xmin have all ended, so the rows with
 * write_xid in [position, xmin) are final and are read exactly once, however concurrent
 * writers interleave their commits. A long transaction anywhere holds xmin back, and with it
 * every event stored after it began.
 */
export class EventsTailReader {
  constructor(private readonly sql: Sql) {}

  /** Where a tail that should see only what is stored from now on starts. */
  async horizon(): Promise<bigint> {
    const [row] = await this.sql<{ xmin: string }[]>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`;
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
}
