import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AnalyticsEvent } from "../models";
import { copyBatch, EVENT_COPY_COLUMNS } from "./copy-text";
import type postgres from "postgres";
import type { Sql } from "./database";
import { EVENT_ROW_COLUMNS, eventFromRow, type EventRow } from "./event-row";
import { EVENT_VIEW_JSON_SQL, type EventPageText } from "./event-view-json";
import { countBy } from "../count-by";

const COLUMNS = EVENT_COPY_COLUMNS.join(", ");
const STAGED_COLUMNS = EVENT_COPY_COLUMNS.map((column) => `batch.${column}`).join(", ");
const ID_COLUMNS = "event_id, event_time";
const UNIQUE_VIOLATION = "23505";
/**
 * A writer that stalls mid-transaction (a frozen process, a long pause) holds its new ids'
 * unique-index entries, and every other writer of the same ids (a replica that took over its
 * partitions) waits on them. These bounds make PostgreSQL abort such a transaction instead;
 * the writer's retry then finds the ids stored or free. Far above what a batch takes.
 */
const STALL_LIMITS = "select set_config('statement_timeout', '15s', true), set_config('idle_in_transaction_session_timeout', '10s', true)";

export interface EventQuery {
  start: Date;
  end: Date;
  eventType?: string;
  userId?: string;
  sessionId?: string;
  /** The emitting service (NexusCore's `service`). */
  service?: string;
  /** Top-level properties that must equal these texts (numbers compare by their JSON text). */
  properties?: Readonly<Record<string, string>>;
  limit: number;
  /** Keyset cursor: return events strictly older than this (time, id) pair. */
  before?: { timestamp: Date; eventId: string };
}

export interface InsertResult {
  inserted: number;
  insertedByType: Map<string, number>;
  /** Set when only some of the batch was new: the ids that were. Absent means all were. */
  insertedIds?: Set<string>;
  /**
   * Ids of the batch already stored with other content (type, user, session, service, time
   * or properties): not a re-delivery but a different event under a taken id. Absent means none.
   */
  conflictingIds?: Set<string>;
}


/** Reads and writes the events table. */
export class EventsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * The ingest write path: ids into event_ids (unique on event_id) and rows into events, by
   * COPY, in one transaction. COPY is what the database does fastest; it fails only when an
   * id is already stored (a re-delivery or a re-sent event), and then the batch goes through
   * a staging table so that only events with new ids are stored.
   */
  async copyMany(events: readonly AnalyticsEvent[]): Promise<InsertResult> {
    if (events.length === 0) return { inserted: 0, insertedByType: new Map() };
    const text = copyBatch(events);
    try {
      await this.sql.begin(async (tx) => {
        await tx.unsafe(STALL_LIMITS);
        await copyInto(tx, "event_ids", text.ids, ID_COLUMNS);
        await copyInto(tx, "events", text.events);
      });
      return { inserted: events.length, insertedByType: countBy(events, (event) => event.eventType) };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
    return this.sql.begin(async (tx) => {
      await tx.unsafe(STALL_LIMITS);
      await tx`create temp table events_staging (like events including defaults) on commit drop`;
      await copyInto(tx, "events_staging", text.events);
      const inserted = await tx<{ id: string; event_type: string }[]>`
        with batch as (
          -- ctid: the staging table's rows in COPY order, so the first copy of an id in the batch wins.
          select distinct on (id) * from events_staging order by id, ctid
        ), fresh as (
          insert into event_ids (event_id, event_time) select id, "timestamp" from batch
          on conflict do nothing returning event_id
        )
        insert into events (${tx.unsafe(COLUMNS)})
        select ${tx.unsafe(STAGED_COLUMNS)}
        from batch join fresh on fresh.event_id = batch.id
        returning id, event_type`;
      // Staged rows unlike the stored row of their id. The stored row is found by its id's time
      // and type (events_type_time_idx); a row of another type or time is unlike by definition.
      const conflicting = await tx<{ id: string }[]>`
        select distinct s.id from events_staging s join event_ids i on i.event_id = s.id
        where not exists (
          select 1 from events e
          where e.event_type = s.event_type and e."timestamp" = i.event_time and e.id = s.id
            and e."timestamp" = s."timestamp" and e.user_id is not distinct from s.user_id
            and e.session_id is not distinct from s.session_id and e.service is not distinct from s.service
            and e.properties = s.properties
        )`;
      return {
        inserted: inserted.length,
        insertedByType: countBy(inserted, (row) => row.event_type),
        insertedIds: new Set(inserted.map((row) => row.id)),
        ...(conflicting.length > 0 ? { conflictingIds: new Set(conflicting.map((row) => row.id)) } : {}),
      };
    });
  }

  /** Which of these ids are stored already (POST /api/v1/events reports them as duplicates). */
  async storedIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql<{ event_id: string }[]>`select event_id from event_ids where event_id = any(${ids as string[]}::uuid[])`;
    return new Set(rows.map((row) => row.event_id));
  }

  /** Newest first, keyset-paginated on ("timestamp", id). */
  async find(query: EventQuery): Promise<AnalyticsEvent[]> {
    const rows = await this.sql<EventRow[]>`
      select ${this.sql.unsafe(EVENT_ROW_COLUMNS)}
      from events
      ${this.matching(query)}`;
    return rows.map(eventFromRow);
  }

  /**
   * find()'s page as one JSON text built by PostgreSQL: each event as toEventView(event) would
   * give it, joined in order, in one row. The page goes out without its properties being parsed
   * and encoded again, and without a row per event to decode (half the client CPU of 101 rows).
   * One row past the limit is read to tell whether another page follows.
   */
  async findPage(query: EventQuery): Promise<EventPageText> {
    const { limit } = query;
    // An aggregate without GROUP BY: always exactly one row, also for no events.
    const [row] = await this.sql<[{ events_json: string; count: number; more: boolean; last_id: string | null; last_time: Date | null }]>`
      select coalesce(string_agg(view, ',' order by n) filter (where n <= ${limit}), '') as events_json,
        count(*) filter (where n <= ${limit})::int as count,
        count(*) > ${limit} as more,
        max(id::text) filter (where n = ${limit}) as last_id,
        max("timestamp") filter (where n = ${limit}) as last_time
      from (
        select id, "timestamp", ${this.sql.unsafe(EVENT_VIEW_JSON_SQL)} as view,
          row_number() over (order by "timestamp" desc, id desc) as n
        from events
        ${this.matching({ ...query, limit: limit + 1 })}
      ) page`;
    const next = row.more && row.last_id && row.last_time ? { eventId: row.last_id, timestamp: row.last_time } : undefined;
    return { eventsJson: row.events_json, count: row.count, ...(next ? { next } : {}) };
  }

  /** find()'s filter, order and limit: newest first, keyset-paginated. */
  private matching(query: EventQuery) {
    const { sql } = this;
    return sql`
      where "timestamp" >= ${query.start} and "timestamp" < ${query.end}
        ${query.eventType ? sql`and event_type = ${query.eventType}` : sql``}
        ${query.userId ? sql`and user_id = ${query.userId}` : sql``}
        ${query.sessionId ? sql`and session_id = ${query.sessionId}` : sql``}
        ${query.service ? sql`and service = ${query.service}` : sql``}
        ${propertyFilters(sql, query.properties)}
        ${query.before ? sql`and ("timestamp", id) < (${query.before.timestamp}, ${query.before.eventId}::uuid)` : sql``}
      order by "timestamp" desc, id desc
      limit ${query.limit}`;
  }

  async countByIds(eventIds: readonly string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const [row] = await this.sql<{ n: string }[]>`select count(*)::text as n from events where id = any(${eventIds as string[]}::uuid[])`;
    return Number(row?.n ?? 0);
  }
}

async function copyInto(sql: Sql | postgres.TransactionSql, table: string, rows: string, columns = COLUMNS): Promise<void> {
  const writable = await sql.unsafe(`copy ${table} (${columns}) from stdin`).writable();
  // One chunk per batch: a COPY data message per row would cost more than the rows themselves.
  await pipeline(Readable.from([rows]), writable);
}

/** `and properties ->> key = value` per filter (postgres.js joins an array of fragments), or nothing. */
function propertyFilters(sql: Sql, properties: Readonly<Record<string, string>> = {}) {
  const entries = Object.entries(properties);
  return entries.length === 0 ? sql`` : entries.map(([key, value]) => sql`and properties ->> ${key} = ${value}`);
}
