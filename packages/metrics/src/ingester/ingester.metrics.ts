import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { BoundedLabel } from "../bounded-label";
import { WeightedHistogram } from "../weighted-histogram";

/** Distinct event types and services each seed metric labels by; more are reported as _other. */
const MAX_EVENT_TYPE_LABELS = 200;
const MAX_SERVICE_LABELS = 100;

export type IngesterMetrics = ReturnType<typeof createIngesterMetrics>;

export function createIngesterMetrics(registry: Registry) {
  return {
    eventsIngested: new Counter({
      name: "analytics_events_ingested_total",
      help: "Events stored in PostgreSQL for the first time",
      labelNames: ["topic", "event_type"] as const,
      registers: [registry],
    }),
    eventsFailed: new Counter({
      name: "analytics_events_failed_total",
      help: "Messages that could not be stored, by reason (dead-lettered or retried)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "analytics_dead_letters_total",
      help: "Messages written to the dead-letter topic, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    deadLettersPointerOnly: new Counter({
      name: "analytics_dead_letters_pointer_only_total",
      help: "Dead letters sent without their key and value (too large for the dead-letter topic), by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    deadLettersDropped: new Counter({
      name: "analytics_dead_letters_dropped_total",
      help: "Dead letters the broker refused even as a pointer, by reason (logged, never retried)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    undecodableRecords: new Counter({
      name: "analytics_undecodable_records_total",
      help: "Records skipped because their batch could not be decompressed (each batch is one dead letter)",
      labelNames: ["topic"] as const,
      registers: [registry],
    }),
    consumerCrashes: new Counter({
      name: "analytics_kafka_consumer_crashes_total",
      help: "Kafka consumer crashes, by who restarts it (kafkajs, or the ingester after a crash kafkajs gives up on)",
      labelNames: ["restarted_by"] as const,
      registers: [registry],
    }),
    duplicatesSkipped: new Counter({
      name: "analytics_duplicates_skipped_total",
      help: "Events already stored (re-delivered or sent twice) and skipped",
      registers: [registry],
    }),
    batchesProcessed: new Counter({
      name: "analytics_batches_processed_total",
      help: "Batches written to PostgreSQL and committed to Kafka",
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: "analytics_consumer_lag",
      help: "Messages in a partition not yet stored and committed by this replica (high watermark - next offset)",
      labelNames: ["topic", "partition"] as const,
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: "analytics_batch_duration_seconds",
      help: "Time from a batch's first message to its offsets being committed",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    nexusCore: createNexusCoreMetrics(registry),
  };
}

/** NexusCore's analytics-service metrics (seed 004), with its names and meaning, beside ours. */
function createNexusCoreMetrics(registry: Registry) {
  return {
    eventTypes: new BoundedLabel(MAX_EVENT_TYPE_LABELS),
    services: new BoundedLabel(MAX_SERVICE_LABELS),
    eventsProcessed: new Counter({
      name: "events_processed_total",
      help: "Events consumed and stored (or found stored already), by type and emitting service",
      labelNames: ["event_type", "service"] as const,
      registers: [registry],
    }),
    eventsStored: new Counter({
      name: "events_stored_total",
      help: "Events written to PostgreSQL for the first time",
      registers: [registry],
    }),
    processingErrors: new Counter({
      name: "processing_errors_total",
      help: "Consumed messages that can never be stored (each dead-lettered), by event type and reason",
      labelNames: ["event_type", "reason"] as const,
      registers: [registry],
    }),
    processingDuration: new WeightedHistogram(
      "event_processing_duration_seconds",
      "Per event: time from its batch being taken from Kafka to its offset being committed",
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      [registry],
    ),
    consumerLag: new Gauge({
      name: "kafka_consumer_lag",
      help: "Messages in a partition not yet stored and committed by this replica (high watermark - next offset)",
      labelNames: ["topic", "partition"] as const,
      registers: [registry],
    }),
  };
}
