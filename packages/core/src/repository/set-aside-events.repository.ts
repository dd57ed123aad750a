import type postgres from "postgres";
import type { Sql } from "./database";

type Db = Sql | postgres.TransactionSql;

/** Why the aggregator set an event aside (see migrations/0012_set_aside_events.sql). */
export const SET_ASIDE_REASONS = [
  /** A measure's value (or a product of two) is Infinity, -Infinity or NaN. */
  "measure_not_finite",
  /** A measure's value is beyond ±MAX_MEASURE_MAGNITUDE. */
  "measure_out_of_range",
  /** Folding it failed on its own, cycle after cycle, for a reason not foreseen. */
  "fold_failed",
] as const;
export type SetAsideReason = (typeof SET_ASIDE_REASONS)[number];

export interface SetAsideEvent {
  eventId: string;
  eventTime: Date;
  eventType: string;
  reason: SetAsideReason;
  /** What was wrong, e.g. "price=1e+200 is beyond ±1e15". */
  detail: string;
}

export interface StoredSetAsideEvent extends SetAsideEvent {
  setAsideAt: Date;
}

/** Page position of a listing: the last row's (set_aside_at text, event_id). */
export interface SetAsidePosition {
  at: string;
  eventId: string;
}

export interface SetAsideQuery {
  /** set_aside_at in [from, to). */
  from: Date;
  to: Date;
  reason?: SetAsideReason;
  limit: number;
  after?: SetAsidePosition;
}

interface Row {
  event_id: string;
  event_time: Date;
  event_type: string;
  reason: SetAsideReason;
  detail: string;
  set_aside_at: Date;
  at_text: string;
}

/** Detail text is what an operator reads; an unbounded error message must not bloat the table. */
const MAX_DETAIL_LENGTH = 500;

/** Records and lists the events the aggregator could not fold. */
export class SetAsideEventsRepository {
  constructor(private readonly sql: Sql) {}

  /** Records events set aside (idempotent: an event set aside twice keeps its first record). */
  async record(db: Db, events: readonly SetAsideEvent[]): Promise<void> {
    if (events.length === 0) return;
    const document = JSON.stringify(
      events.map((e) => ({ id: e.eventId, et: e.eventTime.toISOString(), t: e.eventType, r: e.reason, d: e.detail.slice(0, MAX_DETAIL_LENGTH) })),
    );
    await db.unsafe(
      // The stored row's own time: a JS Date keeps milliseconds only, and a set-aside record must
      // match its event to the microsecond (the tail and the audit join on it).
      `insert into set_aside_events (event_id, event_time, event_type, reason, detail)
       select x.id, coalesce(e."timestamp", x.et), x.t, x.r, x.d
       from jsonb_to_recordset($1::text::jsonb) as x(id uuid, et timestamptz, t text, r text, d text)
       left join lateral (
         select "timestamp" from events where id = x.id and "timestamp" >= x.et and "timestamp" < x.et + interval '1 millisecond' limit 1
       ) e on true
       on conflict do nothing`,
      [document],
    );
  }

  /** The ids among `events` already set aside (e.g. by hand, while the aggregator was stuck on them). */
  async recordedAmong(db: Db, events: ReadonlyArray<{ eventId: string; eventTime: Date }>): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const document = JSON.stringify(events.map((e) => ({ id: e.eventId, et: e.eventTime.toISOString() })));
    const rows = await db.unsafe<{ event_id: string }[]>(
      `select s.event_id::text as event_id
       from jsonb_to_recordset($1::text::jsonb) as x(id uuid, et timestamptz)
       join set_aside_events s on s.event_id = x.id and s.event_time >= x.et and s.event_time < x.et + interval '1 millisecond'`,
      [document],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** Oldest first, keyset-paged by (set_aside_at, event_id); `next` is set when more may follow. */
  // The position's time goes in as text: a parameter typed timestamptz would pass through a JS
  // Date and lose its microseconds, and the page would repeat rows.
  async list(query: SetAsideQuery): Promise<{ events: StoredSetAsideEvent[]; next: SetAsidePosition | undefined }> {
    const sql = this.sql;
    const rows = await sql<Row[]>`
      select event_id::text as event_id, event_time, event_type, reason, detail, set_aside_at, set_aside_at::text as at_text
      from set_aside_events
      where set_aside_at >= ${query.from} and set_aside_at < ${query.to}
        ${query.reason ? sql`and reason = ${query.reason}` : sql``}
        ${query.after ? sql`and (set_aside_at, event_id) > (${query.after.at}::text::timestamptz, ${query.after.eventId}::uuid)` : sql``}
      order by set_aside_at, event_id
      limit ${query.limit + 1}`;
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      events: page.map((row) => ({
        eventId: row.event_id,
        eventTime: row.event_time,
        eventType: row.event_type,
        reason: row.reason,
        detail: row.detail,
        setAsideAt: row.set_aside_at,
      })),
      next: rows.length > query.limit && last ? { at: last.at_text, eventId: last.event_id } : undefined,
    };
  }

  /** How many events are set aside, by reason. */
  async countByReason(): Promise<Record<string, number>> {
    const rows = await this.sql<{ reason: string; n: string }[]>`
      select reason, count(*)::text as n from set_aside_events group by reason order by reason`;
    return Object.fromEntries(rows.map((row) => [row.reason, Number(row.n)]));
  }
}
