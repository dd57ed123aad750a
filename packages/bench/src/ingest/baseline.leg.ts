// Leg (b), the baseline: the reference design. One kafkajs consumer reads a fresh 6-partition
// topic from the beginning and, for every 1,000 messages, parses them, stores them with one
// multi-row INSERT ... VALUES and commits the offsets. Timed from consumer start to the last row.
import { EventPartitionsRepository, type Sql, type WireEvent } from "@trading-analytics/core";
import { checkpoint, createBenchDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import type { KafkaMessage } from "kafkajs";
import { cpuSpentBetween, snapshotCpu } from "../shared/process-stats";
import { secondsSince, sleep } from "../shared/timing";
import { checkStored } from "./bench-database";
import { createTopics, deleteGroup, deleteTopics, describeProduce, produceAll } from "./bench-kafka";
import type { LegContext, LegResult } from "./leg";
import { classifyStackProcess, describeCpu, otherCores } from "./stack-cpu";

const ROWS_PER_INSERT = 1000;

export async function runBaselineLeg({ dataset, kafka, cleanup, log, stallMs }: LegContext): Promise<LegResult> {
  const mark = cleanup.mark();
  try {
    const suffix = uniqueSuffix();
    const db = await createBenchDatabase("baseline", suffix);
    cleanup.defer(`database ${db.name}`, () => db.drop());
    const topic = `bench.${suffix}.events`;
    await createTopics(kafka, [topic]);
    cleanup.defer(`topic ${topic}`, () => deleteTopics(kafka, [topic]));
    const produced = await produceAll(kafka, dataset.messages, () => topic);
    log(`baseline: ${describeProduce(dataset.count, produced)} to ${topic}`);
    // The reference design relies on partitions made ahead; make sure, outside the clock.
    await new EventPartitionsRepository(db.sql).ensureForTimes([dataset.first, dataset.last]);
    await checkpoint();

    const groupId = `bench-baseline-${suffix}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    cleanup.defer(`group ${groupId}`, () => deleteGroup(kafka, groupId));
    cleanup.defer("baseline consumer", () => consumer.disconnect());

    let stored = 0;
    let crashed: Error | undefined;
    consumer.on(consumer.events.CRASH, (event) => (crashed = event.payload.error));
    log("baseline: one consumer, one INSERT per 1,000 events, commit after each");
    const cpuBefore = snapshotCpu();
    const started = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let from = 0; from < batch.messages.length; from += ROWS_PER_INSERT) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(from, from + ROWS_PER_INSERT);
          await insertRows(db.sql, chunk.map((message) => toRow(db.sql, message, batch.topic, batch.partition)));
          const last = chunk[chunk.length - 1]!.offset;
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          resolveOffset(last);
          stored += chunk.length;
          await heartbeat();
        }
      },
    });

    let lastProgress = { stored, at: performance.now() };
    while (stored < dataset.count) {
      if (crashed) throw new Error(`baseline consumer crashed: ${crashed.message}`);
      if (stored !== lastProgress.stored) lastProgress = { stored, at: performance.now() };
      else if (performance.now() - lastProgress.at > stallMs) throw new Error(`baseline stalled at ${stored} of ${dataset.count} events`);
      await sleep(50);
    }
    const elapsed = secondsSince(started);
    const cpu = cpuSpentBetween(cpuBefore, snapshotCpu(), (pid, command) => classifyStackProcess(pid, command));
    await consumer.disconnect();

    return {
      leg: "baseline",
      description: "1 consumer, INSERT per 1,000",
      seconds: elapsed,
      perSecond: dataset.count / elapsed,
      otherCores: otherCores(cpu, elapsed),
      check: await checkStored(db.sql, dataset.ids),
      details: [describeProduce(dataset.count, produced), `CPU while consuming: ${describeCpu(cpu, elapsed, dataset.count)} (the bench process is the consumer)`],
    };
  } finally {
    await cleanup.releaseTo(mark);
  }
}

function toRow(sql: Sql, message: KafkaMessage, topic: string, partition: number) {
  const event = JSON.parse(message.value!.toString("utf8")) as WireEvent;
  return {
    id: event.event_id!,
    event_type: event.event_type,
    timestamp: new Date(event.timestamp!),
    created_at: new Date(),
    user_id: event.user_id ?? null,
    session_id: event.session_id ?? null,
    properties: sql.json((event.properties ?? {}) as Parameters<Sql["json"]>[0]),
    source_topic: topic,
    source_partition: partition,
    source_offset: message.offset,
  };
}

async function insertRows(sql: Sql, rows: ReturnType<typeof toRow>[]): Promise<void> {
  await sql`insert into events ${sql(rows)}`;
}
