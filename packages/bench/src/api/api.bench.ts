#!/usr/bin/env node
// `pnpm bench:api`: the query-api on the real stack. A bench database with N events over 30
// days and their rollups; the API started from dist/main.js against it; load from a separate
// process (autocannon) for each read scenario beside its floor (the same statements run
// straight in PostgreSQL, or a Redis GET); batch ingest over HTTP beside producing straight
// to Kafka. Everything made here (database, topics, Redis keys, processes) is removed at the
// end, also on Ctrl-C; the database stays with BENCH_KEEP_DATABASE=1.
//   api.bench.js [--events 10000000] [--connections 10] [--duration 10] [--warmup 2]
//                [--ingest-connections 10] [--floor-runs 50] [--only NAME,...]
//   --only runs just the named legs (read scenario names, or "ingest"); the rest are skipped.
// Progress goes to stderr; the report to stdout, ending with one `RESULT {json}` line.
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { closeRedis, createLogger, createRedis, DashboardMetricsReader, type RedisClient, sortIntervals } from "@trading-analytics/core";
import { connect, createBenchDatabase, createTestTopics, describeServer, testKafka, uniqueSuffix } from "@trading-analytics/core/testing";
import { type BenchRun, integerOption, log, runBench } from "../shared/bench-main";
import { startQueryApi } from "./api-process";
import { renderReport, summarize } from "./bench-report";
import { DashboardKeyRefresher } from "./dashboard-key";
import { cachedApi } from "./cached-api";
import { buildDataset, type Dataset, describeTradingTables } from "./dataset.leg";
import { type IngestResult, runIngestLeg } from "./ingest.leg";
import { type ReadResult, runReadScenario } from "./read.leg";
import { readScenarios } from "./read-scenarios";

interface BenchOptions {
  events: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  ingestConnections: number;
  floorRuns: number;
  /** Legs to run (read scenario names, "ingest"); undefined runs all. */
  only: Set<string> | undefined;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string", default: "10000000" },
      connections: { type: "string", default: "10" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      "ingest-connections": { type: "string", default: "10" },
      "floor-runs": { type: "string", default: "50" },
      only: { type: "string" },
    },
  });
  const positive = (name: Exclude<keyof typeof values, "only">, min = 1) => integerOption(name, values[name], min);
  return {
    events: positive("events"),
    connections: positive("connections"),
    durationSeconds: positive("duration"),
    warmupSeconds: positive("warmup", 0),
    ingestConnections: positive("ingest-connections"),
    floorRuns: positive("floor-runs", 5),
    only: values.only === undefined ? undefined : new Set(values.only.split(",").map((name) => name.trim())),
  };
}

/** Removes every Redis key the run wrote under its own prefix (dashboard figures, anything the API stored). */
async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<void> {
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    const batch = ([] as string[]).concat(keys);
    if (batch.length > 0) await redis.del(batch);
  }
}

async function main({ cleanup, stopping }: BenchRun): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const suffix = uniqueSuffix();
  const reads: ReadResult[] = [];
  let ingest: IngestResult | undefined;
  let dataset: Dataset | undefined;
  let apiNotes: string[] = [];
  let configFile = "";
  const started = performance.now();
  try {
    const db = await createBenchDatabase("api", suffix);
    // BENCH_KEEP_DATABASE=1 leaves the dataset behind for EXPLAIN work on its statements.
    if (process.env.BENCH_KEEP_DATABASE === "1") log(`database ${db.name} (kept: BENCH_KEEP_DATABASE=1; drop it when done)`);
    else cleanup.defer(`database ${db.name}`, () => db.drop());
    log(`database ${db.name}`);
    const nowMs = Date.now();
    dataset = await buildDataset(db.sql, options.events, nowMs, log);
    if (stopping()) return;

    const topics = await createTestTopics(["api-ingest", "kafka-direct"], 6);
    cleanup.defer(`topics ${topics.topics.join(", ")}`, () => topics.remove());
    const [apiTopic, baselineTopic] = topics.topics as [string, string];
    const keyPrefix = `bench:api:${suffix}:`;
    const api = await startQueryApi({ databaseUrl: db.url, keyPrefix, ingestTopic: apiTopic, cacheTtl: "0s" }, cleanup);
    configFile = api.configFile;
    log(`query-api pid ${api.pid} at ${api.baseUrl}, Redis prefix ${keyPrefix}`);

    const redis = createRedis(api.config.redis, createLogger({ level: "error", format: "json" }, "bench-api"));
    await redis.connect();
    cleanup.defer("redis client", () => closeRedis(redis));
    cleanup.defer(`redis keys ${keyPrefix}*`, () => deleteKeysWithPrefix(redis, keyPrefix));
    // The dashboard refresher gets a pool of its own: the floor's pool records statements.
    const refresherSql = connect(db.url, "bench-dashboard", 1);
    cleanup.defer("dashboard pool", () => refresherSql.end({ timeout: 5 }));
    const intervals = sortIntervals(api.config.analytics.aggregation.intervals);
    const dashboard = new DashboardKeyRefresher(new DashboardMetricsReader(refresherSql, intervals[0]!), redis, keyPrefix);
    cleanup.defer("dashboard refresher", () => dashboard.stop());

    const pids = { api: api.pid, bench: process.pid };
    const legOptions = { baseUrl: api.baseUrl, connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds, floorRuns: options.floorRuns, pids };
    const runs = (leg: string) => options.only === undefined || options.only.has(leg);
    // The cached trading scenarios' API, with the query cache on, started only when one of them runs.
    const cachedPrefix = `${keyPrefix}cached:`;
    let cachedOptions: typeof legOptions | undefined;
    let cachedProblems = (): string[] => [];
    const cached = cachedApi(() => cachedOptions!.baseUrl, redis, cachedPrefix);
    const scenarios = readScenarios({ sql: db.sql, redis, config: api.config, dashboard, cached, nowMs });
    if (scenarios.some((scenario) => scenario.api === "cached" && runs(scenario.name))) {
      const withCache = await startQueryApi({ databaseUrl: db.url, keyPrefix: cachedPrefix, ingestTopic: apiTopic, cacheTtl: "1h" }, cleanup);
      log(`query-api with its query cache on: pid ${withCache.pid} at ${withCache.baseUrl}, Redis prefix ${cachedPrefix}`);
      cachedOptions = { ...legOptions, baseUrl: withCache.baseUrl, pids: { api: withCache.pid, bench: process.pid } };
      cachedProblems = withCache.problems;
    }
    for (const scenario of scenarios) {
      if (stopping()) return;
      if (!runs(scenario.name)) continue;
      const result = await runReadScenario(scenario, db.sql, redis, scenario.api === "cached" ? cachedOptions! : legOptions, log);
      if (result.error) log(`${scenario.name}: FAILED: ${result.error}`);
      reads.push(result);
    }
    if (stopping()) return;
    if (runs("ingest")) ingest = await runIngestLeg(
      { baseUrl: api.baseUrl, kafka: testKafka("bench-api"), apiTopic, baselineTopic, connections: options.ingestConnections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds, pids },
      log,
    );
    if (ingest?.error) log(`ingest: FAILED: ${ingest.error}`);
    apiNotes = [...api.problems(), ...cachedProblems()];
  } finally {
    await cleanup.releaseTo();
  }
  if (stopping() || !dataset) return;

  const d = dataset;
  const header = [
    `api benchmark: ${d.count.toLocaleString("en-US")} events over 30 days (to an hour past the start), in ${((performance.now() - started) / 60_000).toFixed(1)} min`,
    `dataset: trading traffic by INSERT ... SELECT generate_series (${d.insertSeconds.toFixed(0)} s incl. vacuum): ${Object.entries(d.inserted).map(([kind, rows]) => `${rows.toLocaleString("en-US")} ${kind}`).join(", ")};`,
    `  quotes every ${(d.grid.intervalMs / 1000).toFixed(1)} s per symbol (${d.grid.symbols.length} symbols), a feed gap of ${d.grid.gapLength} quotes every ${d.grid.gapEvery}; rollups the routes read, made without the aggregator (${d.rollupSeconds.toFixed(0)} s):`,
    `  ${d.countRows.toLocaleString("en-US")} events.count.<type> rows at 1m..1d by SQL; ${d.strategyRows.toLocaleString("en-US")} strategy rows and ${d.memberRows.toLocaleString("en-US")} users.active members at 1m for the last day by SQL;`,
    `  ${d.measureRows.toLocaleString("en-US")} measure rows (events.price.order.filled over the month, notional and latency_ms over the last day, 1m..1d) with DDSketches, folded by core's observe/mergeAll and written by RollupsRepository.save`,
    `  trading tables by SQL as the fold leaves them (${d.tradingSeconds.toFixed(0)} s): ${describeTradingTables(d.tradingTables)}`,
    `machine: ${cpus().length} CPUs shared by the load process, the API, PostgreSQL, Redis and Kafka; Node ${process.version}; ${await describeServer()}`,
    `query-api: dist/main.js (config ${configFile}), API keys off, rate limits off, query cache off (cache_ttl 0s); the dashboard figures are written to Redis every 1 s as the aggregator does;`,
    `  the *_cached trading scenarios: a second query-api with the query cache on (cache_ttl 1h), primed by one request; floor a Redis GET of the key it stored`,
    `load: autocannon in a separate process, ${options.warmupSeconds} s warm-up then ${options.durationSeconds} s at 1 connection and at ${options.connections}; batch ingest at ${options.ingestConnections}`,
    ...(apiNotes.length > 0 ? [`query-api logged ${apiNotes.length} warning/error lines; first: ${apiNotes.slice(0, 3).join(" | ").slice(0, 600)}`] : []),
  ];
  const summary = summarize(d.count, reads, ingest, { connections: options.connections, duration_s: options.durationSeconds, ingest_connections: options.ingestConnections });
  process.stdout.write(renderReport(header, reads, ingest, summary));
  if ((summary.failed as string[]).length > 0) process.exitCode = 1;
}

runBench(main);
