// Leg 3: event time → visible in the rollups, under a steady stream (default 1,000 events every
// 50 ms = 20k/s) while the aggregator folds: the built app (dist/main.js) in its own process,
// as in production, with its default settings (poll every 100 ms, 20,000 events per cycle).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AppProcess, appMain, connect, freePort, startAppProcess, TEST_KAFKA_BROKERS, TEST_REDIS_URL } from "@trading-analytics/core/testing";
import { percentile } from "../shared/timing";
import { CursorWatch } from "./cursor-watch";
import { streamEvents } from "./event-stream";

export interface FreshnessOptions {
  streamSeconds: number;
  batchSize: number;
  everyMs: number;
  pollIntervalMs: number;
  writers: number;
}

export interface FreshnessResult extends FreshnessOptions {
  targetPerSecond: number;
  achievedPerSecond: number;
  batches: number;
  unfolded: number;
  p50Seconds: number | undefined;
  p99Seconds: number | undefined;
  maxSeconds: number | undefined;
}

/** How long after the stream stops a batch may still become folded before it counts as never. */
const SETTLE_TIMEOUT_MS = 60_000;
const CURSOR_SAMPLE_MS = 5;

async function startAggregator(databaseUrl: string, pollIntervalMs: number): Promise<AppProcess> {
  const port = await freePort();
  const configFile = path.join(mkdtempSync(path.join(tmpdir(), "bench-aggregator-")), "config.yaml");
  writeFileSync(configFile, `analytics:\n  aggregation:\n    poll_interval: ${pollIntervalMs}ms\n`);
  return startAppProcess(
    appMain(require, "aggregator"),
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
      AGGREGATOR_PORT: String(port),
      LOG_LEVEL: "warn",
      CONFIG_FILE: configFile,
    },
    port,
  );
}

export async function runFreshnessLeg(url: string, options: FreshnessOptions, log: (line: string) => void): Promise<FreshnessResult> {
  const targetPerSecond = (options.batchSize * 1000) / options.everyMs;
  const writerSql = connect(url, "bench-stream-writer", options.writers);
  const watchSql = connect(url, "bench-cursor-watch", 1);
  const aggregator = await startAggregator(url, options.pollIntervalMs);
  const watch = new CursorWatch(watchSql, CURSOR_SAMPLE_MS);
  try {
    watch.start();
    log(`freshness: streaming ${targetPerSecond.toLocaleString("en-US")} events/s for ${options.streamSeconds} s while the aggregator folds`);
    const stream = await streamEvents(writerSql, { batchSize: options.batchSize, everyMs: options.everyMs, durationMs: options.streamSeconds * 1000, writers: options.writers });
    const lastXid = stream.batches.reduce((max, batch) => (batch.writeXid > max ? batch.writeXid : max), 0n);
    await watch.stopAfterPassing(lastXid, SETTLE_TIMEOUT_MS);

    const lags: number[] = [];
    let unfolded = 0;
    for (const batch of stream.batches) {
      const foldedMs = watch.passedAt(batch.writeXid);
      if (foldedMs === undefined) unfolded += 1;
      else lags.push((foldedMs - batch.eventMs) / 1000);
    }
    // A batch never folded is later than any that was: count it as infinitely late.
    const all = [...lags, ...Array<number>(unfolded).fill(Number.POSITIVE_INFINITY)];
    const finite = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? undefined : value);
    return {
      ...options,
      targetPerSecond,
      achievedPerSecond: stream.events / stream.seconds,
      batches: stream.batches.length,
      unfolded,
      p50Seconds: finite(percentile(all, 0.5)),
      p99Seconds: finite(percentile(all, 0.99)),
      maxSeconds: finite(percentile(all, 1)),
    };
  } finally {
    await aggregator.stop("SIGTERM");
    await Promise.all([writerSql, watchSql].map((sql) => sql.end({ timeout: 5 })));
  }
}
