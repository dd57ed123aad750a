import { AGGREGATION_INTERVALS } from "../models/intervals";
import { foldEverywhere } from "../testing/rollup-fixture";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { MetricSeriesReader, type MetricSeriesQuery } from "./metric-series.reader";
import { RollupsRepository } from "./rollups.repository";
import { mayBeInBlock, SERIES_BLOCK_INTERVALS, SeriesBlocksRepository, settledBlockEnds } from "./series-blocks.repository";

const PRICE = "events.price.order.filled";
const COUNT = "events.count.order.filled";
const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse("2025-10-01T00:00:00Z");
// Three days of fills every 7 minutes (each in a minute of its own), two symbols.
const observations = Array.from({ length: (3 * 24 * 60) / 7 }, (_, i) => ({
  timeMs: START + i * 7 * 60_000 + 1234,
  value: 100 + ((i * 37) % 250) / 10,
  symbol: i % 3 === 0 ? "ETHUSDT" : "BTCUSDT",
}));
const onDay = (dayMs: number) => observations.filter((o) => o.timeMs >= dayMs && o.timeMs < dayMs + DAY).length;

describe("SeriesBlocksRepository with MetricSeriesReader", () => {
  let db: TestDatabase;
  let reader: MetricSeriesReader;
  const blocks = new SeriesBlocksRepository();
  const rowsOf = async () => (await db.sql<{ day: string; interval: string; point_count: number }[]>`
    select to_char(block_start at time zone 'UTC', 'YYYY-MM-DD') as day, interval, point_count from metric_series_blocks
    where metric_name = ${PRICE} and dimension = '' and block_hours = 24 order by block_start, interval`).map((row) => ({ ...row }));
  const compactAll = async (startMs: number, hours: 24 | 1 = 24) => {
    let written = 0;
    for (let batch; (batch = await db.sql.begin((tx) => blocks.compactBlock(tx, startMs, hours, SERIES_BLOCK_INTERVALS, hours === 24 ? "1d" : "1h", 2))) > 0; ) written += batch;
    return written;
  };
  const daysToCompact = () => blocks.blocksToCompact(db.sql, 24, "1m", "1d", START, START + 3 * DAY);

  beforeAll(async () => {
    db = await createTestDatabase("series_blocks");
    // A price and a count metric.
    const rollups = new RollupsRepository(db.sql);
    await db.sql.begin((tx) => rollups.save(tx, [...foldEverywhere(PRICE, observations), ...foldEverywhere(COUNT, observations)]));
    reader = new MetricSeriesReader(db.sql, rollups, AGGREGATION_INTERVALS);
  });

  afterAll(async () => {
    await db?.drop();
  });

  // Ragged on both sides: 13:07 on day one to 05:42 on day three, so day two is the only whole day.
  const ragged = (metric: string, extra: Partial<MetricSeriesQuery> = {}): MetricSeriesQuery => ({
    metric,
    interval: "1m",
    from: new Date(START + 13 * 3_600_000 + 7 * 60_000),
    to: new Date(START + 2 * DAY + 5 * 3_600_000 + 42 * 60_000),
    ...extra,
  });
  const wholeRange = (metric: string, interval: "1m" | "5m"): MetricSeriesQuery => ({ metric, interval, from: new Date(START), to: new Date(START + 3 * DAY) });

  it("lists days with series to write, newest first, until they are written", async () => {
    expect(await daysToCompact()).toEqual([START + 2 * DAY, START + DAY, START]);
    // 2 metrics x (overall + 2 symbols) = 6 series a day, 2 per transaction.
    expect(await compactAll(START + DAY)).toBe(6);
    expect(await daysToCompact()).toEqual([START + 2 * DAY, START]);
    expect(await rowsOf()).toEqual([
      { day: "2025-10-02", interval: "1m", point_count: onDay(START + DAY) },
      { day: "2025-10-02", interval: "5m", point_count: expect.any(Number) },
    ]);
  });

  it("serves the same bytes from day rows as from the rollups, for any range and metric kind", async () => {
    const queries = [ragged(PRICE), ragged(COUNT), ragged(PRICE, { dimension: "symbol", dimensionValue: "ETHUSDT" }), wholeRange(PRICE, "1m"), wholeRange(COUNT, "5m")];
    // From the rollups alone (day rows deleted), then with every day written.
    await db.sql`delete from metric_series_blocks`;
    const before = await Promise.all(queries.map((query) => reader.pointsJson(query)));
    for (const day of [START, START + DAY, START + 2 * DAY]) await compactAll(day);
    expect((await rowsOf()).length).toBe(6);
    const after = await Promise.all(queries.map((query) => reader.pointsJson(query)));
    expect(after).toEqual(before);
    expect(JSON.parse(after[3]!)).toHaveLength(before[3]!.split('"bucket_start"').length - 1);
    // The per-value series of a dimension still comes from the rollups (one list over all values).
    const perValue = { ...wholeRange(PRICE, "1m"), dimension: "symbol" };
    expect(JSON.parse(await reader.pointsJson(perValue))).toHaveLength(observations.length);
  });

  it("reads the unsettled end of a range from the rollups, and a rewritten day row at its new version", async () => {
    // A clock an hour into day three: days one and two are settled, day three is not (its row is ignored).
    const early = new MetricSeriesReader(db.sql, new RollupsRepository(db.sql), AGGREGATION_INTERVALS, { clock: () => START + 2 * DAY + 3_600_000 });
    const query = ragged(PRICE);
    const fromRollups = await early.pointsJson({ ...query, dimension: "symbol", dimensionValue: "no such value" });
    expect(fromRollups).toBe("[]");
    expect(await early.pointsJson(query)).toBe(await reader.pointsJson(query));
    await db.sql`update metric_series_blocks set points = 'changed' where block_start = '2025-10-03T00:00:00Z' and metric_name = ${PRICE} and interval = '1m' and dimension = ''`;
    expect(await early.pointsJson(query)).not.toContain("changed");
    await db.sql`delete from metric_series_blocks where block_start = '2025-10-03T00:00:00Z'`;
    await compactAll(START + 2 * DAY);

    // The same reader, read twice, then its day text rewritten: the new version is served.
    const whole = wholeRange(PRICE, "1m");
    const before = await reader.pointsJson(whole);
    expect(await reader.pointsJson(whole)).toBe(before);
    const changed = before.replace(/"count":(\d+)/, '"count":999');
    const dayTwo = JSON.parse(before).filter((point: { bucket_start: string }) => point.bucket_start.startsWith("2025-10-01"));
    await db.sql`update metric_series_blocks set points = ${changed.slice(1, -1).split(",{")[0]!} where block_start = '2025-10-01T00:00:00Z'
      and metric_name = ${PRICE} and interval = '1m' and dimension = ''`;
    expect(dayTwo.length).toBeGreaterThan(1);
    const after = JSON.parse(await reader.pointsJson(whole));
    expect(after[0].count).toBe(999);
    expect(after.filter((point: { bucket_start: string }) => point.bucket_start.startsWith("2025-10-01"))).toHaveLength(1);
    // Put the days back as they were.
    await db.sql`delete from metric_series_blocks`;
    for (const day of [START, START + DAY, START + 2 * DAY]) await compactAll(day);
    expect(await reader.pointsJson(whole)).toBe(before);
  });

  it("serves the settled hours of a day not settled yet from hour blocks, which its day block then replaces", async () => {
    const dayThree = START + 2 * DAY;
    // Day three is not settled, its first three hours are.
    const early = new MetricSeriesReader(db.sql, new RollupsRepository(db.sql), AGGREGATION_INTERVALS, { clock: () => dayThree + 3 * HOUR + 10 * 60_000 });
    await db.sql`delete from metric_series_blocks where block_start >= ${new Date(dayThree)}`;
    const query = ragged(PRICE); // ends 05:42 on day three
    const fromRollups = await early.pointsJson(query);
    expect(await blocks.blocksToCompact(db.sql, 1, "1m", "1h", dayThree, dayThree + 3 * HOUR)).toEqual([dayThree + 2 * HOUR, dayThree + HOUR, dayThree]);
    for (const hour of [0, 1, 2]) expect(await compactAll(dayThree + hour * HOUR, 1)).toBe(6);
    expect(await early.pointsJson(query)).toBe(fromRollups);

    // The reader does serve hour blocks: one rewritten by hand shows.
    await db.sql`update metric_series_blocks set points = ${'{"bucket_start":"2025-10-03T01:00:00Z","count":4242}'}
      where block_hours = 1 and block_start = ${new Date(dayThree + HOUR)} and metric_name = ${PRICE} and interval = '1m' and dimension = ''`;
    const served = JSON.parse(await early.pointsJson(query)) as Array<{ bucket_start: string }>;
    expect(served.filter((point) => point.bucket_start.startsWith("2025-10-03T01:"))).toEqual([{ bucket_start: "2025-10-03T01:00:00Z", count: 4242 }]);

    expect(await compactAll(dayThree, 24)).toBe(6);
    expect(await db.sql`select 1 from metric_series_blocks where block_hours = 1`).toHaveLength(0);
    expect(await early.pointsJson(query)).toBe(fromRollups);
  });

  it("deletes a series day's rows when its rollups change, and only those", async () => {
    await db.sql.begin((tx) => blocks.invalidate(tx, [{ metric: PRICE, interval: "1m", dimension: "", dimensionValue: "", bucketStartMs: START + DAY + 5 * HOUR }]));
    expect(await rowsOf()).toEqual([
      { day: "2025-10-01", interval: "1m", point_count: expect.any(Number) },
      { day: "2025-10-01", interval: "5m", point_count: expect.any(Number) },
      { day: "2025-10-02", interval: "5m", point_count: expect.any(Number) },
      { day: "2025-10-03", interval: "1m", point_count: expect.any(Number) },
      { day: "2025-10-03", interval: "5m", point_count: expect.any(Number) },
    ]);
    // The day is pending again; writing it restores the row (and leaves the 5m row as it was).
    expect(await daysToCompact()).toEqual([START + DAY]);
    expect(await compactAll(START + DAY)).toBe(1);
    await db.sql.begin((tx) => blocks.invalidateDays(tx, START + 2 * DAY, START + 3 * DAY));
    expect((await rowsOf()).map((row) => row.day)).toEqual(["2025-10-01", "2025-10-01", "2025-10-02", "2025-10-02"]);
  });

  it("makes compaction wait for a writer of the day, so it never copies rows about to change", async () => {
    await db.sql`delete from metric_series_blocks`;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // A writer (as the aggregator folding a late event): takes the day's lock, changes a rollup row, commits later.
    const writer = db.sql.begin(async (tx) => {
      await blocks.invalidate(tx, [{ metric: PRICE, interval: "1m", dimension: "", dimensionValue: "", bucketStartMs: START }]);
      await tx`update metric_rollups set count = count + 1000 where metric_name = ${PRICE} and interval = '1m' and bucket_start = ${new Date(START)} and dimension = ''`;
      locked();
      await held;
      order.push("writer committed");
    });
    await lockTaken;
    const compaction = compactAll(START).then((n) => order.push(`compacted ${n}`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual([]);
    release();
    await Promise.all([writer, compaction]);
    expect(order).toEqual(["writer committed", "compacted 6"]);
    const [first] = JSON.parse(await reader.pointsJson({ metric: PRICE, interval: "1m", from: new Date(START), to: new Date(START + DAY) }));
    expect(first.count).toBe(1001);
  });

  it("deletes the rows retention no longer keeps", async () => {
    expect(await blocks.deleteBefore(db.sql, ["1m"], START + DAY + 5)).toBe(6);
    expect(await db.sql`select 1 from metric_series_blocks where interval = '1m'`).toHaveLength(0);
    expect((await db.sql`select 1 from metric_series_blocks where interval = '5m'`).length).toBe(6);
  });
});

describe("series block timing", () => {
  const day = Date.parse("2026-03-10T00:00:00Z");
  it("settles a day two hours after it ends, and an hour five minutes after it ends", () => {
    expect(settledBlockEnds(day + DAY + 2 * HOUR - 1).dayEnd).toBe(day);
    expect(settledBlockEnds(day + DAY + 2 * HOUR).dayEnd).toBe(day + DAY);
    expect(settledBlockEnds(day + 3 * HOUR + 5 * 60_000 - 1).hourEnd).toBe(day + 2 * HOUR);
    expect(settledBlockEnds(day + 3 * HOUR + 5 * 60_000).hourEnd).toBe(day + 3 * HOUR);
  });
  it("makes writers delete the blocks of a bucket a minute before this clock would settle its hour", () => {
    const bucket = day + 2 * HOUR + 30 * 60_000;
    expect(mayBeInBlock(bucket, day + 3 * HOUR + 4 * 60_000 - 1)).toBe(false);
    expect(mayBeInBlock(bucket, day + 3 * HOUR + 4 * 60_000)).toBe(true);
    expect(mayBeInBlock(day + 3 * HOUR, day + 3 * HOUR + 30_000)).toBe(false); // the current hour: never
  });
});
