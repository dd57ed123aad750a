import type { EachBatchPayload } from "kafkajs";
import type { AnalyticsEvent, EventPartitionsRepository, EventsRepository, InsertResult, Logger } from "@trading-analytics/core";
import type { EventTypeValidator } from "../domain/event-type-validator";
import { parseMessage, type ParseOptions } from "../domain/parse-message";
import type { IngesterMetrics } from "../metrics";
import type { RealtimeCounters } from "../realtime/realtime-counters";
import type { DeadLetter, DeadLetterProducer } from "./dead-letter.producer";

export interface IngestBatchDeps {
  events: EventsRepository;
  partitions: EventPartitionsRepository;
  deadLetters: DeadLetterProducer;
  metrics: IngesterMetrics;
  logger: Logger;
  /** The validator for the definitions active right now (swapped when they change). */
  eventTypes: () => EventTypeValidator;
  counters?: RealtimeCounters;
}

export interface IngestBatchOptions extends ParseOptions {
  batchSize: number;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * The kafkajs eachBatch handler. For each chunk of at most batchSize messages: dead-letter
 * what can never be stored, insert the rest idempotently, and only then commit the offset
 * after the chunk. A crash anywhere re-delivers from the last commit, and the insert skips
 * what was already stored, so nothing is lost and nothing counted twice.
 */
export function createIngestBatchHandler(deps: IngestBatchDeps, options: IngestBatchOptions) {
  return async (payload: EachBatchPayload): Promise<void> => {
    const { batch, heartbeat, isRunning, isStale } = payload;
    for (let start = 0; start < batch.messages.length; start += options.batchSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + options.batchSize);
      const timer = deps.metrics.batchDuration.startTimer();
      const receivedAt = new Date();
      const types = deps.eventTypes();
      const events: AnalyticsEvent[] = [];
      const letters: DeadLetter[] = [];
      for (const message of chunk) {
        const raw = {
          key: message.key,
          value: message.value,
          timestamp: message.timestamp,
          source: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        };
        const parsed = parseMessage(raw, receivedAt, options, types);
        if (parsed.ok) events.push(parsed.event);
        else letters.push({ message: raw, rejection: { reason: parsed.reason, detail: parsed.detail } });
      }
      // Separate retries, so a database outage never re-sends dead letters already written.
      const lettered = await retryTransient(deps, payload, () => deps.deadLetters.send(letters).then(() => true));
      if (lettered === undefined) return; // stopping or rebalanced: this chunk will be re-delivered
      const stored = await retryTransient(deps, payload, async () => {
        await deps.partitions.ensureForTimes(events.map((event) => event.timestamp));
        return deps.events.copyMany(events);
      });
      if (stored === undefined) return;
      const last = chunk[chunk.length - 1]!;
      const next = BigInt(last.offset) + 1n;
      // The payload's commit (not consumer.commitOffsets, which kafkajs skips once stopping)
      // so that the batch in hand is committed on SIGTERM too.
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next.toString() }] }],
      });
      payload.resolveOffset(last.offset);
      // Counted before the heartbeat, which throws when a rebalance starts: this chunk is done.
      deps.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - next));
      deps.counters?.record(stored.insertedIds ? events.filter((event) => stored.insertedIds!.has(event.eventId)) : events);
      record(deps.metrics, batch.topic, events, letters, stored);
      timer();
      await heartbeat();
    }
  };
}

/** Retries transient failures (database or broker unreachable) with capped back-off; never dead-letters them. */
async function retryTransient<T>(deps: IngestBatchDeps, payload: EachBatchPayload, work: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      deps.metrics.eventsFailed.inc({ reason: "transient" });
      const delay = Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS);
      deps.logger.warn("batch write failed, retrying", { error: (error as Error).message, attempt, delay_ms: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!payload.isRunning() || payload.isStale()) return undefined;
      await payload.heartbeat().catch(() => undefined);
    }
  }
}

function record(metrics: IngesterMetrics, topic: string, events: AnalyticsEvent[], letters: DeadLetter[], stored: InsertResult): void {
  for (const [eventType, n] of stored.insertedByType) metrics.eventsIngested.inc({ topic, event_type: eventType }, n);
  metrics.duplicatesSkipped.inc(events.length - stored.inserted);
  for (const { rejection } of letters) {
    metrics.eventsFailed.inc({ reason: rejection.reason });
    metrics.deadLetters.inc({ reason: rejection.reason });
  }
  metrics.batchesProcessed.inc();
}
