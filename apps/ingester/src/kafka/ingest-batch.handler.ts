import type { EachBatchPayload, KafkaMessage } from "kafkajs";
import {
  type AnalyticsEvent,
  backoffDelay,
  errorMessage,
  type EventTypeValidator,
  type InsertResult,
  type Logger,
  parseMessage,
  type ParseOptions,
  undecodableBatchOf,
} from "@trading-analytics/core";
import type { IngesterMetrics } from "@trading-analytics/metrics";
import type { AfterDbCommitHook } from "../faults/kill-after-db-commit";
import type { RealtimeCounters } from "../realtime/realtime-counters";
import type { DeadLetter, DeadLetterProducer } from "./dead-letter.producer";
import type { EventWriter } from "./event-writer";
import { recordNexusCoreMetrics } from "./nexuscore-metrics.recorder";

export interface IngestBatchDeps {
  writer: EventWriter;
  deadLetters: DeadLetterProducer;
  metrics: IngesterMetrics;
  logger: Logger;
  /** The validator for the definitions active right now (swapped when they change). */
  eventTypes: () => EventTypeValidator;
  counters?: RealtimeCounters;
  /** Fault injection only (INGESTER_FAULT_KILL_AFTER_DB_COMMIT): called once a chunk's rows are committed, before its offsets are. */
  afterDbCommit?: AfterDbCommitHook;
}

export interface IngestBatchOptions extends ParseOptions {
  batchSize: number;
}

const MAX_BACKOFF_MS = 10_000;
/** Chunks of one partition submitted and not yet committed: some being stored while the next is parsed. */
const CHUNKS_AHEAD = 2;

interface Chunk {
  events: AnalyticsEvent[];
  /** The chunk's Kafka messages (kafkajs holds them for the batch anyway), to letter a conflict from. */
  messages: KafkaMessage[];
  letters: DeadLetter[];
  lastOffset: string;
  stored: Promise<InsertResult | undefined>;
  timer: () => number;
}

/**
 * The kafkajs eachBatch handler. For each chunk of at most batchSize messages: dead-letter
 * what can never be stored, hand the rest to the shared writer (which stores them
 * idempotently, together with other partitions' chunks), and only once the chunk and every
 * chunk before it are durable commit the offset after it. The next chunk is parsed while
 * one is being stored. A crash anywhere re-delivers from the last commit, and the insert
 * skips what was already stored, so nothing is lost and nothing counted twice.
 */
export function createIngestBatchHandler(deps: IngestBatchDeps, options: IngestBatchOptions) {
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const gone = () => !isRunning() || isStale();
    const submitted: Chunk[] = [];

    /**
     * Waits for the oldest submitted chunk and commits the offset after it (also when stopping:
     * what is stored gets committed); false when it was given up, and the rest with it.
     */
    const commitOldest = async (): Promise<boolean> => {
      const chunk = submitted.shift()!;
      const stored = await chunk.stored;
      if (stored === undefined) return false; // stopping or rebalanced: re-delivered from the last commit
      // Another event under a taken id is kept as a dead letter, never dropped unseen; sent before
      // the commit, so a crash re-delivers the message and it is found conflicting again.
      if (stored.conflictingIds) {
        const duplicates = conflictLetters(chunk, stored);
        if (!(await sendDeadLetters(deps, payload, duplicates))) return false;
        chunk.letters.push(...duplicates);
      }
      if (deps.afterDbCommit && stored.inserted > 0) {
        deps.afterDbCommit({ topic: batch.topic, partition: batch.partition, lastOffset: chunk.lastOffset, inserted: stored.inserted });
      }
      const next = BigInt(chunk.lastOffset) + 1n;
      // The payload's commit (not consumer.commitOffsets, which kafkajs skips once stopping)
      // so that the batch in hand is committed on SIGTERM too.
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next.toString() }] }],
      });
      payload.resolveOffset(chunk.lastOffset);
      // Counted before the heartbeat, which throws when a rebalance starts: this chunk is done.
      const lag = { labels: { topic: batch.topic, partition: String(batch.partition) }, value: Number(BigInt(batch.highWatermark) - next) };
      deps.metrics.consumerLag.set(lag.labels, lag.value);
      deps.metrics.nexusCore.consumerLag.set(lag.labels, lag.value);
      deps.counters?.record(stored.insertedIds ? chunk.events.filter((event) => stored.insertedIds!.has(event.eventId)) : chunk.events);
      deps.counters?.recordDeadLetters(chunk.letters.map((letter) => letter.rejection.reason));
      record(deps.metrics, batch.topic, chunk, stored);
      const seconds = chunk.timer();
      recordNexusCoreMetrics(deps.metrics.nexusCore, { events: chunk.events, letters: chunk.letters, stored, seconds });
      await heartbeat();
      return true;
    };

    for (let start = 0; start < batch.messages.length; start += options.batchSize) {
      if (gone()) break; // no more chunks; those submitted are still committed once stored
      const messages = batch.messages.slice(start, start + options.batchSize);
      const timer = deps.metrics.batchDuration.startTimer();
      const receivedAt = new Date();
      const types = deps.eventTypes();
      const events: AnalyticsEvent[] = [];
      const letters: DeadLetter[] = [];
      for (const message of messages) {
        const raw = {
          key: message.key,
          value: message.value,
          timestamp: message.timestamp,
          source: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        };
        // A batch no codec could decode arrives as stand-ins: one dead letter (with the batch's
        // compressed bytes and offset range) for the first; the rest are skipped with it.
        const undecodable = undecodableBatchOf(message.headers);
        if (undecodable) {
          deps.metrics.undecodableRecords.inc({ topic: batch.topic });
          if (undecodable.first) letters.push({ message: raw, rejection: { reason: "undecodable_batch", detail: undecodable.detail } });
          continue;
        }
        const parsed = parseMessage(raw, receivedAt, options, types);
        if (parsed.ok) events.push(parsed.event);
        else letters.push({ message: raw, rejection: { reason: parsed.reason, detail: parsed.detail }, eventType: parsed.eventType });
      }
      // Retried apart from the events, so a database outage never re-sends dead letters already written.
      if (letters.length > 0 && !(await sendDeadLetters(deps, payload, letters))) break;
      const stored = deps.writer.write({ events, abandoned: gone, heartbeat });
      submitted.push({ events, messages, letters, lastOffset: messages[messages.length - 1]!.offset, stored, timer });
      if (submitted.length >= CHUNKS_AHEAD && !(await commitOldest())) return;
    }
    while (submitted.length > 0) if (!(await commitOldest())) return;
  };
}

/** Retries transient failures (broker unreachable) with capped back-off; false when the partition must be left. */
async function sendDeadLetters(deps: IngestBatchDeps, payload: EachBatchPayload, letters: DeadLetter[]): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.deadLetters.send(letters);
      return true;
    } catch (error) {
      deps.metrics.eventsFailed.inc({ reason: "transient" });
      const delay = backoffDelay(attempt, { baseMs: 100, maxMs: MAX_BACKOFF_MS });
      deps.logger.warn("dead letters not sent, retrying", { error: errorMessage(error), attempt, delay_ms: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!payload.isRunning() || payload.isStale()) return false;
      await payload.heartbeat().catch(() => undefined);
    }
  }
}

/**
 * Dead letters for the chunk's events whose id is stored with other content. When this chunk
 * stored the id, its first copy is the stored one (the writer keeps the first copy of an id):
 * only the copies after it are letters.
 */
export function conflictLetters(chunk: Pick<Chunk, "events" | "messages">, stored: Pick<InsertResult, "conflictingIds" | "insertedIds">): DeadLetter[] {
  const letters: DeadLetter[] = [];
  const storedHere = new Set([...(stored.conflictingIds ?? [])].filter((id) => stored.insertedIds?.has(id)));
  const byOffset = new Map(chunk.messages.map((message) => [message.offset, message]));
  for (const event of chunk.events) {
    if (!stored.conflictingIds?.has(event.eventId) || !event.source) continue;
    if (storedHere.delete(event.eventId)) continue;
    const message = byOffset.get(event.source.offset);
    if (!message) continue;
    letters.push({
      message: { key: message.key, value: message.value, timestamp: message.timestamp, source: event.source },
      rejection: { reason: "duplicate_event_id", detail: `event_id ${event.eventId} is stored already with other content (type, user, session, service, time or properties)` },
      eventType: event.eventType,
    });
  }
  return letters;
}

function record(metrics: IngesterMetrics, topic: string, { events, letters }: Chunk, stored: InsertResult): void {
  for (const [eventType, n] of stored.insertedByType) metrics.eventsIngested.inc({ topic, event_type: eventType }, n);
  const conflicting = letters.filter((letter) => letter.rejection.reason === "duplicate_event_id").length;
  metrics.duplicatesSkipped.inc(Math.max(0, events.length - stored.inserted - conflicting));
  for (const { rejection } of letters) {
    metrics.eventsFailed.inc({ reason: rejection.reason });
    metrics.deadLetters.inc({ reason: rejection.reason });
  }
  metrics.batchesProcessed.inc();
}
