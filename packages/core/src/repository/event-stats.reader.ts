import type { Sql } from "./database";

export interface EventStats {
  total: number;
  /** Event type → stored events, most frequent first. */
  byType: Array<{ eventType: string; count: number }>;
}

/** Counts of stored events by type over a time range, exact, from the events table itself. */
export class EventStatsReader {
  constructor(private readonly sql: Sql) {}

  async stats(from: Date, to: Date): Promise<EventStats> {
    const rows = await this.sql<{ event_type: string; count: string }[]>`
      select event_type, count(*)::text as count from events
      where "timestamp" >= ${from} and "timestamp" < ${to}
      group by event_type order by count(*) desc, event_type`;
    const byType = rows.map((row) => ({ eventType: row.event_type, count: Number(row.count) }));
    return { total: byType.reduce((sum, entry) => sum + entry.count, 0), byType };
  }
}
