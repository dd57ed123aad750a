// Leg (c), ours: all events produced to fresh topics first, then the real ingester
// process(es) started; timed from their start until the last event is stored in PostgreSQL.
import { type Sql, sumSamples } from "@trading-analytics/core";
import { checkpoint, createBenchDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import { BENCH_TOPICS } from "../shared/dataset";
import { messageCount } from "../shared/kafka-admin";
import { cpuSpentBetween, snapshotCpu } from "../shared/process-stats";
import { secondsSince, sleep } from "../shared/timing";
import { checkStored, countRows } from "./bench-database";
import { createTopics, deleteGroup, deleteTopics, describeProduce, produceAll } from "./bench-kafka";
import { IngesterReplica } from "./ingester-replicas";
import type { LegContext, LegResult } from "./leg";
import { classifyStackProcess, describeCpu, otherCores } from "./stack-cpu";

const POLL_MS = 250;
// /metrics is cheap to read every poll; count(*) over a million rows is not, so it runs when
// the metrics reach the target or stop moving, and every 2 s in case they mean something else.
const COUNT_EVERY_POLLS = 8;

export async function runIngesterLeg({ dataset, kafka, cleanup, log, stallMs }: LegContext, replicaCount: number): Promise<LegResult> {
  const leg = `ours_${replicaCount}`;
  const mark = cleanup.mark();
  try {
    const suffix = uniqueSuffix();
    const db = await createBenchDatabase(`ours${replicaCount}`, suffix);
    cleanup.defer(`database ${db.name}`, () => db.drop());
    const topicOf = (name: string) => `bench.${suffix}.${name}`;
    const topics = BENCH_TOPICS.map(topicOf);
    const deadLetterTopic = topicOf("dead-letter");
    await createTopics(kafka, [...topics, deadLetterTopic]);
    cleanup.defer(`topics bench.${suffix}.*`, () => deleteTopics(kafka, [...topics, deadLetterTopic]));
    const produced = await produceAll(kafka, dataset.messages, (message) => topicOf(message.topic));
    log(`${leg}: ${describeProduce(dataset.count, produced)} to bench.${suffix}.*`);
    await checkpoint();

    const consumerGroup = `bench-ingester-${suffix}`;
    cleanup.defer(`group ${consumerGroup}`, () => deleteGroup(kafka, consumerGroup));
    log(`${leg}: starting ${replicaCount} ingester process(es)`);
    const cpuBefore = snapshotCpu();
    const started = performance.now();
    // Replicas are watched as they come up: with two, the first may be done before the
    // second is ready (it joins the group only once the first finishes its in-flight batches).
    const replicas: IngesterReplica[] = [];
    const readyAt: number[] = [];
    const starting = Promise.all(
      Array.from({ length: replicaCount }, async () => {
        const replica = await IngesterReplica.start({ databaseUrl: db.url, topics, deadLetterTopic, consumerGroup }, cleanup);
        replicas.push(replica);
        readyAt.push(performance.now());
      }),
    );
    const startFailure: { error?: Error } = {};
    starting.catch((error: Error) => (startFailure.error = error));
    let watched: Awaited<ReturnType<typeof waitUntilStored>>;
    let cpuAfter: ReturnType<typeof snapshotCpu>;
    try {
      watched = await waitUntilStored({ replicas, replicaCount, startFailure }, db.sql, dataset.count, stallMs);
      cpuAfter = snapshotCpu();
    } finally {
      await starting.catch(() => undefined); // a replica still starting must be registered for cleanup
    }
    await starting;
    const { firstRowAt, doneAt } = watched;
    const elapsed = secondsSince(started, doneAt);
    const pids = replicas.map((replica) => replica.pid);
    const cpu = cpuSpentBetween(cpuBefore, cpuAfter, (pid, command) => classifyStackProcess(pid, command, pids));
    const peakRssMb = replicas.map((replica) => replica.peakRssMb());
    const metrics = await Promise.all(replicas.map((replica) => replica.metrics()));
    const exits = await Promise.all(replicas.map((replica) => replica.stop()));

    const check = await checkStored(db.sql, dataset.ids);
    const deadLettered = await messageCount(kafka, deadLetterTopic);
    const details = [
      describeProduce(dataset.count, produced),
      `start→ready ${readyAt.map((at) => `${secondsSince(started, at).toFixed(1)} s`).join(" and ")}, ` +
        `start→first row ${secondsSince(started, firstRowAt).toFixed(1)} s, first→last row ${secondsSince(firstRowAt, doneAt).toFixed(1)} s ` +
        `(${Math.round(dataset.count / Math.max(secondsSince(firstRowAt, doneAt), POLL_MS / 1000)).toLocaleString("en-US")} events/s once running)` +
        (readyAt.some((at) => at > doneAt) ? " (all stored before every replica was ready)" : ""),
      `CPU while ingesting: ${describeCpu(cpu, elapsed, dataset.count)}`,
      ...replicas.map((replica, i) => describeReplica(i, metrics[i], peakRssMb[i]!, exits[i]!, replica.problems())),
      `dead-lettered: ${deadLettered}`,
    ];
    return {
      leg,
      description: `ingester, ${replicaCount} replica${replicaCount > 1 ? "s" : ""}`,
      seconds: elapsed,
      perSecond: dataset.count / elapsed,
      check,
      peakRssMb,
      otherCores: otherCores(cpu, elapsed),
      details,
    };
  } finally {
    await cleanup.releaseTo(mark);
  }
}

interface Watched {
  /** The replicas ready so far. */
  replicas: IngesterReplica[];
  replicaCount: number;
  startFailure: { error?: Error };
}

/** Polls until `target` events are stored; fails if a replica fails to start, exits or progress stalls. */
async function waitUntilStored({ replicas, replicaCount, startFailure }: Watched, sql: Sql, target: number, stallMs: number) {
  let firstRowAt: number | undefined;
  let rows = 0; // the last count(*): the truth, which metrics only approximate
  let lastFromMetrics: number | undefined;
  let progress = { stored: -1, at: performance.now() };
  for (let poll = 0; ; poll++) {
    if (startFailure.error) throw startFailure.error;
    for (const replica of replicas) {
      if (replica.exited !== undefined) {
        throw new Error(`ingester pid ${replica.pid} exited (${replica.exited}) early:\n${replica.problems().slice(-20).join("\n")}`);
      }
      replica.sampleMemory();
    }
    const counted = await Promise.all(replicas.map((replica) => replica.eventsIngested()));
    const allReporting = replicas.length === replicaCount && counted.every((n) => n !== undefined);
    const fromMetrics = allReporting ? counted.reduce<number>((a, b) => a + b!, 0) : undefined;
    // Metrics that stop moving short of the target mean done-but-undercounted (a chunk stored
    // but not recorded, e.g. around a rebalance) or stalled: count(*) tells which.
    const metricsStill = fromMetrics !== undefined && fromMetrics === lastFromMetrics;
    if (fromMetrics === undefined || fromMetrics >= target || metricsStill || poll % COUNT_EVERY_POLLS === 0) rows = await countRows(sql);
    lastFromMetrics = fromMetrics;
    const at = performance.now();
    if (rows >= target) return { firstRowAt: firstRowAt ?? at, doneAt: at };
    const stored = Math.max(fromMetrics ?? 0, rows);
    if (stored > 0) firstRowAt ??= at;
    if (stored !== progress.stored) progress = { stored, at };
    else if (at - progress.at > stallMs) {
      const logs = replicas.flatMap((replica) => replica.problems().slice(-5).map((line) => `  pid ${replica.pid}: ${line.slice(0, 400)}`));
      throw new Error(`ingester stalled at ${stored} of ${target} events for ${stallMs / 1000} s${logs.length ? `; last log lines:\n${logs.join("\n")}` : ""}`);
    }
    await sleep(POLL_MS);
  }
}

function describeReplica(index: number, metrics: string | undefined, peakRssMb: number, exit: string, problems: string[]): string {
  const metric = (name: string) => (metrics === undefined ? undefined : sumSamples(metrics, name));
  const ingested = metric("analytics_events_ingested_total");
  const duplicates = metric("analytics_duplicates_skipped_total");
  const batches = metric("analytics_batch_duration_seconds_count");
  const batchSeconds = metric("analytics_batch_duration_seconds_sum");
  const perBatch =
    batches && batchSeconds !== undefined && ingested !== undefined
      ? ` in ${batches} batches (avg ${((1000 * batchSeconds) / batches).toFixed(0)} ms, ${((ingested + (duplicates ?? 0)) / batches).toFixed(0)} events)`
      : "";
  const skipped = duplicates ? ` + ${duplicates} re-delivered and skipped` : "";
  const logged = problems.length > 0 ? `; logged ${problems.length} warning/error line(s), last: ${problems[problems.length - 1]!.slice(0, 300)}` : "";
  return `replica ${index + 1}: ${ingested ?? "?"} events stored${skipped}${perBatch}, peak RSS ${peakRssMb.toFixed(0)} MB, exit ${exit}${logged}`;
}
