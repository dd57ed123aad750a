// Leg (a), the ceiling: what PostgreSQL alone does with the same rows. One streaming COPY
// into a fresh, migrated events table (same indexes, partitions created beforehand); the
// rows are formatted before the clock starts, so only the database's work is timed.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { copyRow, EVENT_COPY_COLUMNS, EventPartitionsRepository, topicForEventType, type WireEvent } from "@trading-analytics/core";
import { checkpoint, createBenchDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import { cpuSpentBetween, snapshotCpu } from "../shared/process-stats";
import { secondsSince } from "../shared/timing";
import { checkStored } from "./bench-database";
import { BENCH_PARTITIONS } from "./bench-kafka";
import type { LegContext, LegResult } from "./leg";
import { classifyStackProcess, describeCpu, otherCores } from "./stack-cpu";

const CHUNK_BYTES = 1 << 20;

export async function runCeilingLeg({ dataset, cleanup, log }: LegContext): Promise<LegResult> {
  const mark = cleanup.mark();
  try {
    const suffix = uniqueSuffix();
    const db = await createBenchDatabase("ceiling", suffix);
    cleanup.defer(`database ${db.name}`, () => db.drop());
    await new EventPartitionsRepository(db.sql).ensureForTimes(dataset.events.map((event) => new Date(event.timestamp!)));
    const chunks = formatCopyChunks(dataset.events, `bench.${suffix}`);
    await checkpoint();

    log(`ceiling: COPY of ${dataset.count.toLocaleString("en-US")} rows into ${db.name}`);
    const cpuBefore = snapshotCpu();
    const started = performance.now();
    const writable = await db.sql`
      copy events (${db.sql.unsafe(EVENT_COPY_COLUMNS.join(", "))}) from stdin`.writable();
    await pipeline(Readable.from(chunks), writable);
    const elapsed = secondsSince(started);
    const cpu = cpuSpentBetween(cpuBefore, snapshotCpu(), (pid, command) => classifyStackProcess(pid, command));

    const check = await checkStored(db.sql, dataset.ids);
    return {
      leg: "ceiling",
      description: "one COPY stream, same table and indexes",
      seconds: elapsed,
      perSecond: dataset.count / elapsed,
      otherCores: otherCores(cpu, elapsed),
      check,
      details: [`CPU while copying: ${describeCpu(cpu, elapsed, dataset.count)}`],
    };
  } finally {
    await cleanup.releaseTo(mark);
  }
}

/** The COPY text of every row, in ~1 MiB buffers; source columns look like the ingester's. */
function formatCopyChunks(events: readonly WireEvent[], topicPrefix: string): Buffer[] {
  const receivedAt = new Date();
  const offsets = new Map<string, number>();
  const chunks: Buffer[] = [];
  let pending = "";
  events.forEach((event, i) => {
    const topic = `${topicPrefix}.${topicForEventType(event.event_type)}`;
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    // The same row encoding the ingester writes.
    pending += copyRow({
      eventId: event.event_id!,
      eventType: event.event_type,
      userId: event.user_id ?? null,
      sessionId: event.session_id ?? null,
      properties: event.properties ?? {},
      timestamp: new Date(event.timestamp!),
      receivedAt,
      source: { topic, partition: i % BENCH_PARTITIONS, offset: String(offset) },
    });
    if (pending.length >= CHUNK_BYTES) {
      chunks.push(Buffer.from(pending));
      pending = "";
    }
  });
  if (pending) chunks.push(Buffer.from(pending));
  return chunks;
}
