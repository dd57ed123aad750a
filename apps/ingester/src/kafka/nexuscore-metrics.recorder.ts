import type { AnalyticsEvent, InsertResult } from "@trading-analytics/core";
import type { IngesterMetrics } from "@trading-analytics/metrics";
import type { DeadLetter } from "./dead-letter.producer";

type NexusCoreMetrics = IngesterMetrics["nexusCore"];

/** What a committed chunk did, as NexusCore's metrics count it. */
export interface CommittedChunk {
  events: readonly AnalyticsEvent[];
  letters: readonly DeadLetter[];
  stored: Pick<InsertResult, "inserted">;
  /** From the chunk being taken from Kafka to its offset being committed. */
  seconds: number;
}

/** An event type or service that could not be read from a rejected message. */
export const UNKNOWN_LABEL_VALUE = "unknown";

/**
 * Counts a committed chunk in NexusCore's metrics: its events processed by (type, service),
 * the new ones stored, each dead letter as a processing error by (type, reason), and each
 * processed event's time through the pipeline. An event whose id is stored with other
 * content is an error (duplicate_event_id), not processed.
 */
export function recordNexusCoreMetrics(metrics: NexusCoreMetrics, { events, letters, stored, seconds }: CommittedChunk): void {
  const conflicting = conflictOffsets(letters);
  // Counted by type, then by service ("" for none): nested maps, no key built per event.
  const processed = new Map<string, Map<string, number>>();
  for (const event of events) {
    if (conflicting && event.source && conflicting.has(event.source.offset)) continue;
    let byService = processed.get(event.eventType);
    if (!byService) processed.set(event.eventType, (byService = new Map()));
    const service = event.service ?? "";
    byService.set(service, (byService.get(service) ?? 0) + 1);
  }
  let processedCount = 0;
  for (const [eventType, byService] of processed) {
    for (const [service, count] of byService) {
      metrics.eventsProcessed.inc({ event_type: metrics.eventTypes.value(eventType), service: service && metrics.services.value(service) }, count);
      processedCount += count;
    }
  }
  // One chunk's events share its duration: weighted per event, so quantiles are per event.
  metrics.processingDuration.observe(seconds, processedCount);
  if (stored.inserted > 0) metrics.eventsStored.inc(stored.inserted);
  for (const letter of letters) {
    const eventType = letter.eventType === undefined ? UNKNOWN_LABEL_VALUE : metrics.eventTypes.value(letter.eventType);
    metrics.processingErrors.inc({ event_type: eventType, reason: letter.rejection.reason });
  }
}

function conflictOffsets(letters: readonly DeadLetter[]): Set<string> | undefined {
  let offsets: Set<string> | undefined;
  for (const letter of letters) {
    if (letter.rejection.reason === "duplicate_event_id") (offsets ??= new Set()).add(letter.message.source.offset);
  }
  return offsets;
}
