import { AGGREGATION_INTERVALS, type AggregationInterval } from "../models/intervals";
import { mergeAll, type RollupState } from "../rollups/rollup-state";
import { sketchQuantile } from "../rollups/value-sketch";
import { foldEverywhere } from "../testing/rollup-fixture";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { MetricSeriesReader } from "./metric-series.reader";
import { RollupsRepository, type StoredRollup } from "./rollups.repository";

const METRIC = "events.price.order.filled";
const START = Date.parse("2025-10-01T00:00:00Z");

describe("MetricSeriesReader", () => {
  let db: TestDatabase;
  let reader: MetricSeriesReader;
  let stored: StoredRollup[];

  beforeAll(async () => {
    db = await createTestDatabase("metric_series_reader");
    // Three days of fills every 7 minutes, prices drifting, two symbols.
    const observations = Array.from({ length: (3 * 24 * 60) / 7 }, (_, i) => ({
      timeMs: START + i * 7 * 60_000 + 1234,
      value: 100 + ((i * 37) % 250) / 10,
      symbol: i % 3 === 0 ? "ETHUSDT" : "BTCUSDT",
    }));
    stored = foldEverywhere(METRIC, observations);
    const rollups = new RollupsRepository(db.sql);
    await db.sql.begin((tx) => rollups.save(tx, stored));
    reader = new MetricSeriesReader(db.sql, rollups, AGGREGATION_INTERVALS);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const rowsOf = (interval: AggregationInterval, fromMs: number, toMs: number, dimensionValue = "") =>
    stored
      .filter((row) => row.key.interval === interval && row.key.dimensionValue === dimensionValue)
      .filter((row) => row.key.bucketStartMs >= fromMs && row.key.bucketStartMs < toMs)
      .sort((a, b) => a.key.bucketStartMs - b.key.bucketStartMs);

  it("serves each bucket's figures as JSON, oldest first", async () => {
    const from = START + 3 * 3_600_000;
    const to = START + 5 * 3_600_000;
    const points = JSON.parse(await reader.pointsJson({ metric: METRIC, interval: "1m", from: new Date(from), to: new Date(to) }));
    const expected = rowsOf("1m", from, to);
    expect(points).toHaveLength(expected.length);
    expected.forEach(({ key, state }, i) => {
      expect(points[i]).toEqual({
        bucket_start: new Date(key.bucketStartMs).toISOString().replace(".000", ""),
        count: state.count,
        sum: state.sum,
        avg: state.sum / state.count,
        min: state.min,
        max: state.max,
        p50: sketchQuantile(state.sketch!, 0.5),
        p95: sketchQuantile(state.sketch!, 0.95),
        p99: sketchQuantile(state.sketch!, 0.99),
        open: state.first!.value,
        close: state.last!.value,
      });
    });
  });

  it("gives one series per value when a dimension is named without a value", async () => {
    const points = JSON.parse(
      await reader.pointsJson({ metric: METRIC, interval: "1h", from: new Date(START), to: new Date(START + 2 * 3_600_000), dimension: "symbol" }),
    );
    expect(points.map((p: { bucket_start: string; dimension_value: string }) => `${p.bucket_start} ${p.dimension_value}`)).toEqual([
      "2025-10-01T00:00:00Z BTCUSDT",
      "2025-10-01T00:00:00Z ETHUSDT",
      "2025-10-01T01:00:00Z BTCUSDT",
      "2025-10-01T01:00:00Z ETHUSDT",
    ]);
  });

  it("summarises a ragged range from coarse buckets exactly as merging every minute would", async () => {
    const from = START + 7 * 60_000 + 13 * 3_600_000; // 13:07 on day one
    const to = START + 2 * 86_400_000 + 5 * 3_600_000 + 42 * 60_000; // 05:42 on day three
    for (const dimensionValue of [undefined, "ETHUSDT"]) {
      const summary = await reader.summary({
        metric: METRIC,
        interval: "1m",
        from: new Date(from),
        to: new Date(to),
        ...(dimensionValue ? { dimension: "symbol", dimensionValue } : {}),
      });
      const exact: RollupState = mergeAll(rowsOf("1m", from, to, dimensionValue ?? "").map((row) => row.state));
      expect(summary).toEqual({
        count: exact.count,
        sum: expect.closeTo(exact.sum, 6),
        avg: expect.closeTo(exact.sum / exact.count, 9),
        min: exact.min,
        max: exact.max,
        p50: sketchQuantile(exact.sketch!, 0.5),
        p95: sketchQuantile(exact.sketch!, 0.95),
        p99: sketchQuantile(exact.sketch!, 0.99),
        open: exact.first!.value,
        close: exact.last!.value,
      });
    }
  });

  it("answers an empty range with an empty series and a zero count", async () => {
    const query = { metric: "events.count.no.such", interval: "1m" as const, from: new Date(START), to: new Date(START + 86_400_000) };
    expect(await reader.pointsJson(query)).toBe("[]");
    expect(await reader.summary(query)).toMatchObject({ count: 0, sum: null, p50: null });
  });
});
