#!/usr/bin/env node
// `pnpm bench:ingest`: the ingester against what PostgreSQL alone can do (ceiling) and the
// reference design (baseline), on the real stack, with the same events for every leg.
//   ingest.bench.js [--events 1000000] [--replicas 1,2] [--skip-baseline] [--stall-seconds 60]
// Progress goes to stderr; the report to stdout, ending with one `RESULT {json}` line.
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { describeServer, TEST_KAFKA_BROKERS } from "@trading-analytics/core/testing";
import { type BenchRun, integerOption, log, runBench } from "../shared/bench-main";
import { buildDataset, describeDataset } from "../shared/dataset";
import { runBaselineLeg } from "./baseline.leg";
import { benchKafka } from "./bench-kafka";
import { renderReport, summarize } from "./bench-report";
import { runCeilingLeg } from "./ceiling.leg";
import { runIngesterLeg } from "./ingester.leg";
import type { LegContext, LegResult } from "./leg";

interface BenchOptions {
  events: number;
  replicas: number[];
  skipBaseline: boolean;
  stallMs: number;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string", default: "1000000" },
      replicas: { type: "string", default: "1,2" },
      "skip-baseline": { type: "boolean", default: false },
      "stall-seconds": { type: "string", default: "60" },
    },
  });
  const events = integerOption("events", values.events);
  const replicas = values.replicas.split(",").map(Number);
  const stallSeconds = Number(values["stall-seconds"]);
  if (replicas.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new Error(`--replicas must list integers from 1 to 16, not ${values.replicas}`);
  if (!(stallSeconds > 0)) throw new Error(`--stall-seconds must be positive, not ${values["stall-seconds"]}`);
  return { events, replicas: [...new Set(replicas)], skipBaseline: values["skip-baseline"], stallMs: stallSeconds * 1000 };
}

async function main({ cleanup, stopping }: BenchRun): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const generating = performance.now();
  const dataset = buildDataset(options.events);
  log(`dataset built in ${((performance.now() - generating) / 1000).toFixed(1)} s: ${describeDataset(dataset)}`);
  const kafka = benchKafka();
  const context: LegContext = { dataset, kafka, cleanup, log, stallMs: options.stallMs };
  const legs: [string, () => Promise<LegResult>][] = [
    ["ceiling", () => runCeilingLeg(context)],
    ...(options.skipBaseline ? [] : [["baseline", () => runBaselineLeg(context)] as [string, () => Promise<LegResult>]]),
    ...options.replicas.map((n) => [`ours_${n}`, () => runIngesterLeg(context, n)] as [string, () => Promise<LegResult>]),
  ];

  const results: LegResult[] = [];
  try {
    for (const [leg, run] of legs) {
      if (stopping()) break;
      const result = await run().catch((error: Error): LegResult => ({ leg, description: leg, details: [], error: error.message }));
      log(result.error ? `${leg}: FAILED: ${result.error}` : `${leg}: ${Math.round(result.perSecond ?? 0).toLocaleString("en-US")} events/s`);
      results.push(result);
    }
  } finally {
    await cleanup.releaseTo();
  }
  if (stopping()) return;

  const configFile = process.env.CONFIG_FILE ?? (existsSync(path.resolve("config.yaml")) ? path.resolve("config.yaml") : undefined);
  const header = [
    `ingest benchmark: ${options.events.toLocaleString("en-US")} events per leg`,
    `dataset: ${describeDataset(dataset)}`,
    `machine: ${cpus().length} CPUs, Node ${process.version}; ${await describeServer()}; Kafka ${TEST_KAFKA_BROKERS.join(",")}`,
    `ingester: dist/main.js, config ${configFile ?? "defaults + bench environment"}`,
  ];
  const summary = summarize(options.events, results, options.replicas);
  process.stdout.write(renderReport(header, results, summary));
  if (summary.failed_legs.length > 0) process.exitCode = 1;
}

runBench(main);
