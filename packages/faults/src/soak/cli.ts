#!/usr/bin/env node
// `pnpm test:soak [--minutes N] [--max-rate N]`: the stack on the fault suite's private servers
// at half the maximum ingest rate (measured first unless given) for N minutes with read
// queries running; samples memory (RSS, V8 heap, the aggregator's rollup state cache), lag,
// aggregation lag and freshness, judges them, writes the soak section of
// reports/reliability.md and ends with `RESULT {json}`.
import { rmSync } from "node:fs";
import postgres from "postgres";
import { AppFleet } from "../app-fleet";
import { PrivateStack } from "../private-stack";
import { updateReliabilityReport } from "../reliability-report";
import { FreshnessProber } from "./freshness-prober";
import { measureDrain } from "./max-rate";
import { QueryLoad } from "./query-load";
import { parseSoakArgs, soakRate } from "./soak-args";
import { SoakProducer } from "./soak-producer";
import { type SoakRun, soakResult, soakSection } from "./soak-report";
import { takeSample } from "./soak-sampler";
import { judgeSoak, type SoakSample } from "./soak-verdicts";

const TOPIC = "trading.events";
const DRAIN_WAIT_MS = 180_000;

const log = (message: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const args = parseSoakArgs(process.argv.slice(2));
  const stack = new PrivateStack();
  log(`private stack in ${stack.dataDir} (Kafka ${stack.kafkaBrokers}, PostgreSQL ${stack.ports.postgres}, Redis ${stack.ports.redis})`);
  const fleet = new AppFleet(stack);
  const sql = postgres(stack.databaseUrl, { max: 3, onnotice: () => undefined, connect_timeout: 3 });
  const producer = new SoakProducer(stack.kafkaBrokers, TOPIC);
  let passed = false;
  try {
    await stack.start();
    await producer.connect();
    if (args.maxRate === undefined) {
      const began = Date.now();
      await producer.sendBacklog(args.backlog);
      log(`backlog of ${args.backlog} events produced in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
    await Promise.all([fleet.addIngester(), fleet.startAggregator(), fleet.startQueryApi({ API_KEY_ENABLED: "false", RATE_LIMIT_ENABLED: "false" })]);
    log("ingester, aggregator and query-api ready");
    let maxRate: SoakRun["maxRate"];
    if (args.maxRate === undefined) {
      const drained = await measureDrain(sql, args.backlog);
      maxRate = { eventsPerSecond: drained.eventsPerSecond, source: "measured", backlog: args.backlog, seconds: drained.seconds };
      log(`maximum ingest rate ${drained.eventsPerSecond} events/s (drain of the backlog, ${drained.seconds.toFixed(1)} s between 10 % and 90 %)`);
      await sleep(5_000); // the aggregator folds the backlog before the clock starts
    } else {
      maxRate = { eventsPerSecond: args.maxRate, source: "flag" };
    }
    const rate = soakRate(maxRate.eventsPerSecond);

    const apps = () => ({ ingester: fleet.ingesters[0], aggregator: fleet.aggregator, queryApi: fleet.queryApi });
    const queries = new QueryLoad(() => `http://127.0.0.1:${fleet.queryApi!.port}`, args.queryRate);
    const prober = new FreshnessProber(producer, sql, args.sampleEverySeconds * 1000);
    const samples: SoakSample[] = [];
    log(`soak: ${rate} events/s for ${args.minutes} min, ${args.queryRate} queries/s`);
    const from = Date.now();
    producer.start(rate);
    queries.start();
    prober.start();
    const until = from + args.minutes * 60_000;
    let nextReport = from + 60_000;
    let crashesLogged = 0;
    while (Date.now() < until) {
      for (const crash of fleet.crashes.slice(crashesLogged)) log(`${crash.name} (pid ${crash.pid ?? "?"}) exited on its own (${crash.status}); restarted. Its last output:\n${crash.output}`);
      crashesLogged = fleet.crashes.length;
      const sample = await takeSample(apps(), producer.acknowledged);
      if (sample) samples.push(sample);
      if (Date.now() >= nextReport && sample) {
        nextReport += 60_000;
        const rss = Object.entries(sample.rssMb).map(([app, mb]) => `${app} ${mb.toFixed(0)} MB`).join(", ");
        const heap = Object.entries(sample.heapUsedMb ?? {}).map(([app, mb]) => `${app} ${mb.toFixed(0)} MB`).join(", ");
        const cache = sample.rollupCache ? `${sample.rollupCache.rows} rows, ${sample.rollupCache.mb.toFixed(1)} MB` : "?";
        log(`${((Date.now() - from) / 60_000).toFixed(0)} min: lag ${sample.produced - sample.stored}, aggregation lag ${sample.aggregationLagS ?? "?"} s, RSS ${rss}; heap used ${heap}; rollup cache ${cache}`);
      }
      await sleep(Math.max(0, Math.min(args.sampleEverySeconds * 1000, until - Date.now())));
    }
    const to = Date.now();
    await Promise.all([producer.stop(), queries.stop(), prober.stop()]);
    log(`load stopped: ${producer.acknowledged} events acknowledged in all (${producer.sendErrors} send errors retried)`);

    const drainDeadline = Date.now() + DRAIN_WAIT_MS;
    let last = await takeSample(apps(), producer.acknowledged);
    while ((last?.stored ?? 0) < producer.acknowledged && Date.now() < drainDeadline) {
      await sleep(1_000);
      last = await takeSample(apps(), producer.acknowledged);
    }
    const [rows] = await sql<Array<{ n: number }>>`select count(*)::int as n from events`;
    const first = samples[0];
    const end = samples.at(-1);
    const run: SoakRun = {
      at: new Date(from).toISOString(),
      minutes: args.minutes,
      maxRate,
      rate,
      from,
      to,
      produced: (end?.produced ?? 0) - (first?.produced ?? 0),
      stored: (end?.stored ?? 0) - (first?.stored ?? 0),
      sampledSeconds: Math.max(1, ((end?.at ?? 0) - (first?.at ?? 0)) / 1000),
      finalCheck: { acknowledged: producer.acknowledged, rows: rows!.n },
      queryRatePerSecond: args.queryRate,
      crashes: fleet.crashes.length,
      crashReports: fleet.crashes.map((crash) => ({ name: crash.name, minute: (crash.at - from) / 60_000, status: String(crash.status), output: crash.output })),
    };
    const verdict = judgeSoak(samples, prober.probes, queries.stats, { from, to, rate, end: { ...run.finalCheck, crashes: run.crashes } });
    passed = verdict.passed;
    const section = soakSection(run, verdict, samples, prober.probes, queries.stats);
    updateReliabilityReport({ soak: section });
    process.stdout.write(`${section}\n`);
    process.stdout.write(`RESULT ${JSON.stringify(soakResult(run, verdict))}\n`);
  } finally {
    await fleet.stop();
    await producer.stop().catch(() => undefined);
    await sql.end({ timeout: 2 }).catch(() => undefined);
    await stack.stop();
    if (passed) rmSync(stack.dataDir, { recursive: true, force: true });
    log(`private stack stopped${passed ? "" : ` (data left in ${stack.dataDir})`}`);
    process.exitCode = passed ? 0 : 1;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`soak failed: ${error.stack ?? error.message}\n`);
  process.exit(2);
});
