import { createSql, type Sql } from "@trading-analytics/core";
import { TEST_DATABASE_URL } from "@trading-analytics/core/testing";
import { createDatabaseMetrics } from "@trading-analytics/metrics";
import { testConfig } from "../test-app";
import { Registry } from "prom-client";
import { timedSql } from "./timed-sql";

describe("timedSql", () => {
  let raw: Sql;
  let registry: Registry;
  let sql: Sql;

  const histogram = async () => {
    const values = (await registry.getSingleMetric("analytics_query_duration_seconds")!.get()).values as { metricName?: string; value: number }[];
    const named = (suffix: string) => values.find((value) => value.metricName === `analytics_query_duration_seconds_${suffix}`)!.value;
    return { count: named("count"), sum: named("sum") };
  };
  const inUse = async () => (await registry.getSingleMetric("analytics_active_connections")!.get()).values[0]!.value;

  beforeAll(() => {
    raw = createSql({ ...testConfig().database, url: TEST_DATABASE_URL }, { applicationName: "timed-sql-test", max: 3 });
  });
  beforeEach(() => {
    registry = new Registry();
    sql = timedSql(raw, createDatabaseMetrics(registry, 3));
  });
  afterAll(() => raw?.end({ timeout: 5 }));

  it("times each statement once, nested fragments not at all, unsafe ones too", async () => {
    const [row] = await sql<{ n: number }[]>`select ${sql`1`}::int + 1 as n`;
    expect(row!.n).toBe(2);
    await sql.unsafe("select 1");
    await sql`select pg_sleep(0.05)`;
    const { count, sum } = await histogram();
    expect(count).toBe(3);
    expect(sum).toBeGreaterThanOrEqual(0.05);
  });

  it("times a failing statement and lets its error through", async () => {
    await expect(sql`select * from no_such_table`).rejects.toThrow(/no_such_table/);
    expect((await histogram()).count).toBe(1);
    expect(await inUse()).toBe(0);
  });

  it("counts connections in use while statements and transactions run, at most the pool's size", async () => {
    const slow = Array.from({ length: 5 }, () => sql`select pg_sleep(0.3)`.execute());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await inUse()).toBe(3);
    await Promise.all(slow);
    expect(await inUse()).toBe(0);
    let during = -1;
    await sql.begin(async (tx) => {
      during = await inUse();
      await tx`select 1`;
    });
    expect([during, await inUse()]).toEqual([1, 0]);
  });

  it("does not time a cursor, which lasts as long as its reader", async () => {
    for await (const rows of sql`select generate_series(1, 10) as n`.cursor(5)) expect(rows.length).toBe(5);
    expect((await histogram()).count).toBe(0);
    expect(await inUse()).toBe(0);
  });
});
