import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../testing";

const T = Date.UTC(2026, 10, 23, 14, 0, 0);

describe("metric_aggregations with the order lifecycle (0016, 0017)", () => {
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
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("holds trading.order_fill_rate rows: orders placed per bucket, those fully filled, the percentage", async () => {
    const rows = await db.sql<{ metric_name: string; interval: string; time_bucket: Date; count: string; sum: number | null; avg: number | null }[]>`
      select metric_name, interval, time_bucket, count::text as count, sum, avg from metric_aggregations
      where interval in ('1h', '30m') order by metric_name, interval, time_bucket`;
    expect(rows).toEqual([
      { metric_name: "trading.order_fill_rate", interval: "1h", time_bucket: new Date(T), count: "3", sum: 2, avg: (200 / 3) },
      { metric_name: "trading.order_fill_rate", interval: "30m", time_bucket: new Date(T), count: "2", sum: 1, avg: 50 },
      { metric_name: "trading.order_fill_rate", interval: "30m", time_bucket: new Date(T + 30 * 60_000), count: "1", sum: 1, avg: 100 },
    ]);
  });
});
