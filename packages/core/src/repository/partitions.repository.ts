import type { Sql } from "./database";

const DAY_MS = 24 * 60 * 60 * 1000;

/** UTC calendar day of a timestamp, as "YYYY-MM-DD". */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** Creates the events table's daily partitions, remembering which days are known to exist. */
export class EventPartitionsRepository {
  private readonly knownDays = new Set<string>();

  constructor(private readonly sql: Sql) {}

  /** Makes sure the partitions for the days of these timestamps exist (cheap when they do). */
  async ensureForTimes(times: Iterable<Date>): Promise<void> {
    const missing = new Set<string>();
    for (const time of times) {
      const day = utcDay(time);
      if (!this.knownDays.has(day)) missing.add(day);
    }
    for (const day of missing) {
      await this.sql`select ensure_events_partition(${day}::date)`;
      this.knownDays.add(day);
    }
  }

  /** Creates partitions from yesterday to `daysAhead` days ahead; returns how many were new. */
  async ensureAhead(daysAhead: number, now: Date = new Date()): Promise<number> {
    const from = utcDay(new Date(now.getTime() - DAY_MS));
    const to = utcDay(new Date(now.getTime() + daysAhead * DAY_MS));
    const [row] = await this.sql<{ created: number }[]>`select ensure_events_partitions(${from}::date, ${to}::date) as created`;
    return row?.created ?? 0;
  }
}
