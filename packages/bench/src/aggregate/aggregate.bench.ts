#!/usr/bin/env node
// `pnpm bench:aggregate`: the aggregator on the real stack. One run, four legs: throughput
// (folding a stored day, vs the reference design's GROUP BY recomputation), accuracy (every
// rollup vs exact SQL), freshness under a 20k/s stream, and a 30-day 1m query from rollups vs
// raw events. Databases are bench_* ones made here and dropped at the end (also on Ctrl-C).
//   aggregate.bench.js [--events 1000000] [--stream-seconds 20] [--stream-batch 1000]
//                      [--stream-every-ms 50] [--stream-writers 4] [--poll-ms 100]
//                      [--query-events 10000000]
// Progress goes to stderr; the report to stdout, ending with one `RESULT {json}` line.
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { createBenchDatabase, describeServer, uniqueSuffix } from "@trading-analytics/core/testing";
import { type BenchRun, integerOption, log, runBench } from "../shared/bench-main";
import { runAccuracyLeg } from "./accuracy.leg";
import { type BenchOutcome, renderReport, summarize } from "./bench-report";
import { runFreshnessLeg } from "./freshness.leg";
import { runQueryLeg } from "./query.leg";
import { runThroughputLeg } from "./throughput.leg";
import { errorMessage } from "@trading-analytics/core";

interface BenchOptions {
  events: number;
  streamSeconds: number;
  streamBatch: number;
  streamEveryMs: number;
  pollMs: number;
  streamWriters: number;
  queryEvents: number;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string", default: "1000000" },
      "stream-seconds": { type: "string", default: "20" },
      "stream-batch": { type: "string", default: "1000" },
      "stream-every-ms": { type: "string", default: "50" },
      "poll-ms": { type: "string", default: "100" },
      "stream-writers": { type: "string", default: "4" },
      "query-events": { type: "string", default: "10000000" },
    },
  });
  const positive = (name: keyof typeof values) => integerOption(name, values[name]);
  return {
    events: positive("events"),
    streamSeconds: positive("stream-seconds"),
    streamBatch: positive("stream-batch"),
    streamEveryMs: positive("stream-every-ms"),
    pollMs: positive("poll-ms"),
    streamWriters: positive("stream-writers"),
    queryEvents: positive("query-events"),
  };
}

async function runLeg<T>(name: string, outcome: BenchOutcome, run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  try {
    const result = await run();
    log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    log(`${name}: FAILED: ${(error as Error).stack ?? errorMessage(error)}`);
    outcome.failures.push(`${name}: ${errorMessage(error)}`);
    return undefined;
  }
}

async function main({ cleanup, stopping }: BenchRun): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const outcome: BenchOutcome = { failures: [] };
  const suffix = uniqueSuffix();
  try {
    const db = await createBenchDatabase("aggregate", suffix);
    cleanup.defer(`database ${db.name}`, () => db.drop());
    log(`database ${db.name}`);
    outcome.throughput = await runLeg("throughput", outcome, () => runThroughputLeg(db.sql, options.events, log));
    if (!stopping() && outcome.throughput) outcome.accuracy = await runLeg("accuracy", outcome, () => runAccuracyLeg(db.sql, log));
    if (!stopping()) {
      outcome.freshness = await runLeg("freshness", outcome, () =>
        runFreshnessLeg(db.url, { streamSeconds: options.streamSeconds, batchSize: options.streamBatch, everyMs: options.streamEveryMs, pollIntervalMs: options.pollMs, writers: options.streamWriters }, log),
      );
    }
    await cleanup.releaseTo(); // the query leg gets the server to itself

    if (!stopping()) {
      const queryDb = await createBenchDatabase("aggregate_query", suffix);
      cleanup.defer(`database ${queryDb.name}`, () => queryDb.drop());
      log(`database ${queryDb.name}`);
      outcome.query = await runLeg("query", outcome, () => runQueryLeg(queryDb.sql, options.queryEvents, log));
    }
  } finally {
    await cleanup.releaseTo();
  }
  if (stopping()) return;

  const header = [
    `aggregate benchmark: ${options.events.toLocaleString("en-US")} events (24 h, 1 % late); stream ${options.streamSeconds} s; query over ${options.queryEvents.toLocaleString("en-US")} raw events`,
    `machine: ${cpus().length} CPUs, Node ${process.version}; ${await describeServer()}`,
  ];
  const summary = summarize(options.events, outcome);
  process.stdout.write(renderReport(header, outcome, summary));
  if (outcome.failures.length > 0) process.exitCode = 1;
}

runBench(main);
