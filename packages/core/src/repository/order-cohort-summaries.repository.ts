import type { Sql } from "./database";

/**
 * The hourly and daily summaries of order cohorts (migration 0029) that the order and execution
 * figures read for whole hours and days. Writes to orders mark their hours stale by trigger;
 * refresh() recomputes stale hours, latest first. Readers are exact either way: they read a stale
 * hour from its orders.
 */
export class OrderCohortSummariesRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Recomputes up to `hours` stale hours not written to for `quietMs`, and their days; returns
   * how many hours it did.
   */
  async refresh(hours: number, quietMs: number): Promise<number> {
    const [row] = await this.sql<[{ refreshed: number }]>`
      select refresh_order_cohort_summaries(${hours}::int, ${`${quietMs} milliseconds`}::interval) as refreshed`;
    return row.refreshed;
  }

  /** Hours whose refresh failed five times: read from their orders until a write marks them again. */
  async setAsideHours(): Promise<number> {
    const [row] = await this.sql<[{ hours: number }]>`select count(*)::int as hours from order_cohort_stale_hours where failures >= 5`;
    return row.hours;
  }
}
