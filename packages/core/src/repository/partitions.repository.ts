import type { Sql } from "./database";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long a day's partition is trusted to exist without asking again. Retention drops old
 * partitions under a running ingester: an event for such a day (a replay, a very late event)
 * would otherwise fail against the dropped partition for as long as the process lives.
 */
const KNOWN_DAY_TTL_MS = 60 * 1000;

/** UTC calendar day of a timestamp, as "YYYY-MM-DD". */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * Creates the daily partitions of events, remembering for a while which days are known to exist.
 */
export class EventPartitionsRepository {
  /** Day → until when it is trusted to exist (epoch ms). */
  private readonly knownDays = new Map<string, number>();

  constructor(
    private readonly sql: Sql,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Makes sure the partitions for the days of these timestamps exist (cheap when they do). */
  async ensureForTimes(times: Iterable<Date>): Promise<void> {
    const nowMs = this.clock();
    const missing = new Set<string>();
    for (const time of times) {
      const day = utcDay(time);
      if ((this.knownDays.get(day) ?? 0) <= nowMs) missing.add(day);
    }
    for (const day of missing) {
      await this.sql`select ensure_events_partition(${day}::date)`;
      this.knownDays.set(day, nowMs + KNOWN_DAY_TTL_MS);
    }
  }

  /**
   * Creates partitions from `daysBack` days ago to `daysAhead` days ahead; returns how many were
   * new. With daysBack covering the accepted event times, no write ever creates one inline.
   */
  async ensureAhead(daysAhead: number, now: Date = new Date(), daysBack = 1): Promise<number> {
    const from = utcDay(new Date(now.getTime() - daysBack * DAY_MS));
    const to = utcDay(new Date(now.getTime() + daysAhead * DAY_MS));
    const [row] = await this.sql<{ created: number }[]>`select ensure_events_partitions(${from}::date, ${to}::date) as created`;
    return row?.created ?? 0;
  }
}
