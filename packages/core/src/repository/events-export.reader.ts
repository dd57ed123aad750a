import type { AnalyticsEvent } from "../models";
import type { Sql } from "./database";
import { EVENT_ROW_COLUMNS, type EventRow, eventFromRow } from "./event-row";

/** Which events an export holds: the filters of GET /api/v1/events, without paging. */
export interface EventExportFilter {
  start: Date;
  end: Date;
  eventType?: string;
  userId?: string;
  sessionId?: string;
  service?: string;
}

export interface EventExportOptions {
  /** Rows per fetch from the server-side cursor: the most rows held in memory at once. */
  batchSize?: number;
  /**
   * statement_timeout for the export's one statement. Its timer runs from the first fetch to the
   * last, so it bounds the whole export, however slowly the client reads; 0 disables it, and
   * undefined keeps the connection's (usually far too short for millions of rows).
   */
  statementTimeoutMs?: number;
  /**
   * Aborting stops the export at the next batch. A query still working towards its first row
   * (sorting a large range) runs on until then: a cancel request lands on whatever the backend
   * runs when it arrives, possibly the next user's query, and postgres.js cannot await one.
   */
  signal?: AbortSignal;
}

/** Called with each batch in order; the next batch is fetched only once the returned promise settles. */
export type EventBatchHandler = (events: AnalyticsEvent[]) => Promise<void>;

const DEFAULT_BATCH_SIZE = 500;

/**
 * Reads every event matching a filter, oldest first by ("timestamp", id), through one
 * cursor of one statement: a consistent snapshot in constant memory, paced by the handler.
 */
export class EventsExportReader {
  constructor(private readonly sql: Sql) {}

  /** Resolves with the number of events read; rejects with the handler's error or the query's. */
  async forEachBatch(filter: EventExportFilter, handle: EventBatchHandler, options: EventExportOptions = {}): Promise<number> {
    const { batchSize = DEFAULT_BATCH_SIZE, statementTimeoutMs, signal } = options;
    signal?.throwIfAborted();
    // A transaction pins the cursor's connection and scopes the statement_timeout to it.
    return this.sql.begin("read only", async (tx) => {
      if (statementTimeoutMs !== undefined) await tx`select set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`;
      const query = tx<EventRow[]>`
        select ${tx.unsafe(EVENT_ROW_COLUMNS)}
        from events
        where "timestamp" >= ${filter.start} and "timestamp" < ${filter.end}
          ${filter.eventType ? tx`and event_type = ${filter.eventType}` : tx``}
          ${filter.userId ? tx`and user_id = ${filter.userId}` : tx``}
          ${filter.sessionId ? tx`and session_id = ${filter.sessionId}` : tx``}
          ${filter.service ? tx`and service = ${filter.service}` : tx``}
        order by "timestamp", id`;
      let count = 0;
      // Leaving this loop early (a throw, an abort) closes the portal before the transaction ends.
      for await (const rows of query.cursor(batchSize)) {
        signal?.throwIfAborted();
        count += rows.length;
        await handle(rows.map(eventFromRow));
      }
      return count;
    });
  }
}
