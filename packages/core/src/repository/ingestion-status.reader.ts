import type { Sql } from "./database";

export interface IngestionStatus {
  /** Events folded into rollups so far, and when the aggregator last moved its cursor. */
  eventsAggregated: number;
  aggregatorUpdatedAt: Date | null;
  /** Events stored too late to fold (see late_events). */
  lateEvents: number;
}

/** What PostgreSQL knows about ingestion and aggregation progress. */
export class IngestionStatusReader {
  constructor(private readonly sql: Sql) {}

  async status(): Promise<IngestionStatus> {
    const [row] = await this.sql<{ folded: string | null; updated_at: Date | null; late: string }[]>`
      select
        (select events_folded::text from aggregation_cursors where name = 'rollups') as folded,
        (select updated_at from aggregation_cursors where name = 'rollups') as updated_at,
        (select count(*)::text from late_events) as late`;
    return { eventsAggregated: Number(row?.folded ?? 0), aggregatorUpdatedAt: row?.updated_at ?? null, lateEvents: Number(row?.late ?? 0) };
  }
}
