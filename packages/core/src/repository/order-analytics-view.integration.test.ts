import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../testing";
import { defaultMigrationsDir } from "./migration-runner";

const MIGRATION_0017 = readFileSync(path.join(defaultMigrationsDir(), "0017_order_analytics.sql"), "utf8");
const T = Date.UTC(2026, 10, 23, 14, 0, 0);

// The seed's metric_aggregations, as migration 0016 makes it from the rollups (a stand-in with one rollup row).
const STAND_IN_0016 = `
  create or replace view metric_aggregations as
  select 'events.count.order.placed'::varchar(255) as metric_name, '1h'::varchar(10) as interval, timestamptz '2026-11-23T14:00:00Z' as time_bucket,
         3::bigint as count, null::float8 as sum, null::float8 as avg, null::float8 as min, null::float8 as max,
         null::float8 as p50, null::float8 as p95, null::float8 as p99, '{}'::jsonb as dimensions
  order by time_bucket`;

describe("migration 0017 on a database with metric_aggregations (0016)", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("order_analytics_view");
    const row = (id: string, minute: number, quantity: number, filled: number, final: boolean) => db.sql`
      insert into order_analytics (order_id, placed_at, quantity, filled_quantity, fill_count, last_fill_at, final_fill_at, first_event_at, last_event_at, source_rank, source_time, source_event_id)
      values (${id}, ${new Date(T + minute * 60_000)}, ${quantity}, ${filled}, ${filled > 0 ? 1 : 0}, ${filled > 0 ? new Date(T + minute * 60_000 + 1000) : null},
              ${final ? new Date(T + minute * 60_000 + 1000) : null}, ${new Date(T)}, ${new Date(T)}, 0, ${new Date(T)}, ${randomUUID()})`;
    await row("a", 1, 2, 2, false); // filled by quantity
    await row("b", 1, 2, 1, false); // partial
    await row("c", 40, 1, 1, true); // filled, another 30m bucket
    await db.sql.unsafe(STAND_IN_0016);
    await db.sql.unsafe(MIGRATION_0017); // as if 0017 ran after 0016 (every statement of it can run again)
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("adds trading.order_fill_rate rows to metric_aggregations, keeping its rows and column types", async () => {
    const rows = await db.sql<{ metric_name: string; interval: string; time_bucket: Date; count: string; sum: number | null; avg: number | null }[]>`
      select metric_name, interval, time_bucket, count::text as count, sum, avg from metric_aggregations
      where interval in ('1h', '30m') order by metric_name, interval, time_bucket`;
    expect(rows).toEqual([
      { metric_name: "events.count.order.placed", interval: "1h", time_bucket: new Date(T), count: "3", sum: null, avg: null },
      { metric_name: "trading.order_fill_rate", interval: "1h", time_bucket: new Date(T), count: "3", sum: 2, avg: (200 / 3) },
      { metric_name: "trading.order_fill_rate", interval: "30m", time_bucket: new Date(T), count: "2", sum: 1, avg: 50 },
      { metric_name: "trading.order_fill_rate", interval: "30m", time_bucket: new Date(T + 30 * 60_000), count: "1", sum: 1, avg: 100 },
    ]);
    const types = await db.sql<{ column_name: string; data_type: string }[]>`
      select column_name, data_type from information_schema.columns where table_name = 'metric_aggregations' order by ordinal_position`;
    expect(types.slice(0, 4).map((t) => t.data_type)).toEqual(["character varying", "character varying", "timestamp with time zone", "bigint"]);
  });

  it("leaves the view as it is when run again", async () => {
    await db.sql.unsafe(MIGRATION_0017);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from metric_aggregations where metric_name = 'trading.order_fill_rate' and interval = '1d'`;
    expect(row!.n).toBe(1);
  });
});
