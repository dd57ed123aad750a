import {
  type AnalyticsEvent,
  backoffDelay,
  countBy,
  errorMessage,
  type EventPartitionsRepository,
  type EventsRepository,
  type InsertResult,
  type Logger,
} from "@trading-analytics/core";
import type { IngesterMetrics } from "@trading-analytics/metrics";

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_BACKOFF_MS = 10_000;

/** One partition's chunk of parsed events, waiting to be stored. */
export interface WriteRequest {
  events: AnalyticsEvent[];
  /** True once the submitter no longer waits (stopping, or its partition moved): not retried for it. */
  abandoned: () => boolean;
  /** Keeps the submitter's group membership alive while the database is being retried. */
  heartbeat: () => Promise<void>;
}

export interface EventWriterOptions {
  /** At most this many events in one transaction (chunks are never split). */
  maxEventsPerWrite: number;
  /** Transactions in flight at once, each on its own connection. */
  maxInFlight: number;
}

interface Pending {
  request: WriteRequest;
  resolve: (result: InsertResult | undefined) => void;
}

/**
 * Stores the chunks every partition handler of this replica submits, coalescing those that
 * arrive while a write is in flight into one transaction (one COPY per table instead of one
 * per chunk): fewer commits and round trips, and the handlers parse their next chunk while
 * the database works. A chunk's promise resolves once its transaction has committed, with
 * what was new in that chunk, or undefined if its submitter gave up during retries; only
 * then may the submitter commit the chunk's Kafka offsets. Transient failures are retried
 * with capped back-off, never turned into dead letters.
 */
export class EventWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly deps: { events: EventsRepository; partitions: EventPartitionsRepository; metrics: IngesterMetrics; logger: Logger },
    private readonly options: EventWriterOptions,
  ) {}

  write(request: WriteRequest): Promise<InsertResult | undefined> {
    if (request.events.length === 0) return Promise.resolve({ inserted: 0, insertedByType: new Map() });
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      // Deferred to the end of this turn of the event loop, so that chunks submitted together coalesce.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const group: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0]!.request.events.length <= this.options.maxEventsPerWrite)) {
        const next = this.queue.shift()!;
        size += next.request.events.length;
        group.push(next);
      }
      this.inFlight++;
      void this.store(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async store(group: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const events = group.length === 1 ? group[0]!.request.events : group.flatMap((pending) => pending.request.events);
      try {
        await this.deps.partitions.ensureForTimes(distinctDays(events));
        const result = await this.deps.events.copyMany(events);
        settle(group, result);
        return;
      } catch (error) {
        this.deps.metrics.eventsFailed.inc({ reason: "transient" });
        const delay = backoffDelay(attempt, { baseMs: 100, maxMs: MAX_BACKOFF_MS });
        this.deps.logger.warn("batch write failed, retrying", { error: errorMessage(error), attempt, delay_ms: delay });
        await new Promise((resolve) => setTimeout(resolve, delay));
        group = group.filter((pending) => {
          if (!pending.request.abandoned()) return true;
          pending.resolve(undefined);
          return false;
        });
        if (group.length === 0) return;
        await Promise.all(group.map((pending) => pending.request.heartbeat().catch(() => undefined)));
        // From now on each chunk on its own: a failure that is one chunk's data rather than the
        // database then keeps only that chunk (and its partition's later ones) from being stored.
        if (group.length > 1) {
          await Promise.all(group.map((pending) => this.store([pending])));
          return;
        }
      }
    }
  }
}

/** One timestamp per UTC day among the events: all the partitions check needs. */
function distinctDays(events: readonly AnalyticsEvent[]): Date[] {
  const days = new Map<number, Date>();
  for (const event of events) {
    const day = Math.floor(event.timestamp.getTime() / DAY_MS);
    if (!days.has(day)) days.set(day, event.timestamp);
  }
  return [...days.values()];
}

/** Splits a transaction's result among the chunks it stored. */
function settle(group: Pending[], result: InsertResult): void {
  if (group.length === 1 && !result.insertedIds) {
    group[0]!.resolve(result);
    return;
  }
  if (!result.insertedIds) {
    for (const pending of group) pending.resolve({ inserted: pending.request.events.length, insertedByType: countBy(pending.request.events, (event) => event.eventType) });
    return;
  }
  // An id is new in exactly one chunk, even when several chunks (or one chunk twice) carried it.
  const fresh = new Set(result.insertedIds);
  const conflicting = result.conflictingIds;
  for (const pending of group) {
    const insertedByType = new Map<string, number>();
    const insertedIds = new Set<string>();
    const conflictingIds = new Set<string>();
    for (const event of pending.request.events) {
      if (!fresh.delete(event.eventId)) {
        if (conflicting?.has(event.eventId)) conflictingIds.add(event.eventId);
        continue;
      }
      insertedIds.add(event.eventId);
      insertedByType.set(event.eventType, (insertedByType.get(event.eventType) ?? 0) + 1);
    }
    pending.resolve({
      inserted: insertedIds.size,
      insertedByType,
      ...(insertedIds.size === pending.request.events.length ? {} : { insertedIds }),
      ...(conflictingIds.size > 0 ? { conflictingIds } : {}),
    });
  }
}
