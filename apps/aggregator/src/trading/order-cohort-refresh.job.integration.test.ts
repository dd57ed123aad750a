import { randomUUID } from "node:crypto";
import { createLogger, OrderCohortSummariesRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { Registry } from "prom-client";
import { OrderCohortRefreshJob } from "./order-cohort-refresh.job";

const HOUR_MS = 3_600_000;

describe("OrderCohortRefreshJob", () => {
  let db: TestDatabase;
  const hour = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS);

  beforeAll(async () => {
    db = await createTestDatabase("order_cohort_refresh_job");
    const placedAt = new Date(hour.getTime() + 60_000);
    await db.sql`insert into order_analytics ${db.sql({
      order_id: "A", symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha", placed_at: placedAt, quantity: 1,
      first_event_at: placedAt, last_event_at: placedAt, source_rank: 0, source_time: placedAt, source_event_id: randomUUID(),
    })}`;
  });

  afterAll(() => db.drop());

  async function run(registry: Registry): Promise<Record<string, number>> {
    const job = new OrderCohortRefreshJob(new OrderCohortSummariesRepository(db.sql), registry, createLogger({ level: "error", format: "json" }, "test"), 60_000);
    await job.runOnce();
    const values: Record<string, number> = {};
    for (const metric of (await registry.getMetricsAsJSON()) as Array<{ name: string; values: Array<{ value: number; labels: Record<string, string> }> }>) {
      for (const value of metric.values) values[[metric.name, ...Object.values(value.labels)].join(":")] = value.value;
    }
    return values;
  }

  it("leaves an hour just written to, then summarises it once it has been quiet", async () => {
    expect(await run(new Registry())).toMatchObject({ "analytics_order_cohort_hours_refreshed_total": 0, "analytics_periodic_task_runs_total:order_cohort_refresh:done": 1 });
    expect(await db.sql`select bucket_start from order_cohort_stale_hours`).toEqual([{ bucket_start: hour }]);

    await db.sql`update order_cohort_stale_hours set marked_at = now() - interval '1 minute'`;
    expect(await run(new Registry())).toMatchObject({ "analytics_order_cohort_hours_refreshed_total": 1, "analytics_order_cohort_hours_set_aside": 0 });
    expect(await db.sql`select width, placed::int from order_cohort_summaries where dimension = 'all' order by width`).toEqual([
      { width: "day", placed: 1 },
      { width: "hour", placed: 1 },
    ]);
    expect(await db.sql`select 1 from order_cohort_stale_hours`).toHaveLength(0);
  });

  it("counts an hour whose refresh failed five times as set aside and leaves it alone", async () => {
    await db.sql`insert into order_cohort_stale_hours (bucket_start, marked_at, failures, last_error)
                 values (${new Date(hour.getTime() - HOUR_MS)}, now() - interval '1 hour', 5, 'numeric field overflow')`;
    expect(await run(new Registry())).toMatchObject({ "analytics_order_cohort_hours_refreshed_total": 0, "analytics_order_cohort_hours_set_aside": 1 });
    expect(await db.sql`select failures from order_cohort_stale_hours`).toEqual([{ failures: 5 }]);
  });
});
