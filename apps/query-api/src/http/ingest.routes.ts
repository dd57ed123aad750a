import { type RequestHandler, Router } from "express";
import {
  errorMessage,
  type EventLimits,
  type EventsRepository,
  type EventTypeValidator,
  type FieldViolation,
  type Logger,
} from "@trading-analytics/core";
import { checkIncomingBatch, checkIncomingEvent } from "../domain/incoming-events";
import type { EventPublisher } from "../kafka/event-publisher";
import { HttpError } from "./http-error";

export interface IngestRoutesDeps {
  publisher: EventPublisher;
  /** The validator for the current custom definitions (swapped when they change). */
  types: () => EventTypeValidator;
  limits: EventLimits;
  /** Tells which posted ids are stored already, to report them as duplicates. */
  events: Pick<EventsRepository, "storedIds">;
  maxBatchEvents: number;
  /** analytics.ingestion.max_event_bytes; by default its default, 1 MiB (Kafka's default message limit is about that too). */
  maxEventBytes?: number;
  logger: Logger;
  /** Counts posted events whose id is stored already. */
  onDuplicates?: (count: number) => void;
  now?: () => Date;
}

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/**
 * POST /api/v1/events and /api/v1/events/batch: validated like the ingester validates, then
 * produced to Kafka; 202 once every in-sync replica has them. The ingester stores them from
 * there, exactly once per event_id.
 */
export function ingestRoutes(deps: IngestRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const maxEventBytes = deps.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const router = Router();
  router.post("/api/v1/events", requireJson(), async (req, res) => {
    const checked = checkIncomingEvent(req.body, now(), { ...deps.limits, types: deps.types(), maxEventBytes });
    if (!checked.ok) throw invalidEvent(checked.violations);
    const ids = [checked.event.event_id];
    const [duplicates] = await Promise.all([storedAlready(deps, ids), publishOr503(deps, ids, () => deps.publisher.publish([checked.event]))]);
    res.status(202).json({ success: true, event_id: checked.event.event_id, ...(duplicates && { duplicate: duplicates.length > 0 }) });
  });
  router.post("/api/v1/events/batch", requireJson(), async (req, res) => {
    const checked = checkIncomingBatch(req.body, now(), {
      ...deps.limits,
      types: deps.types(),
      maxEventBytes,
      maxEvents: deps.maxBatchEvents,
    });
    if (!checked.ok) throw invalidEvent(checked.violations);
    const ids = checked.events.map((event) => event.event_id);
    const [duplicates] = await Promise.all([storedAlready(deps, ids), publishOr503(deps, ids, () => deps.publisher.publish(checked.events))]);
    res.status(202).json({ success: true, accepted: ids.length, event_ids: ids, ...(duplicates && { duplicate_event_ids: duplicates }) });
  });
  return router;
}

/** 400 naming every bad field: the first in `field`, all of them in `fields`. */
function invalidEvent(violations: FieldViolation[]): HttpError {
  const first = violations[0]!;
  // Only the first few in the message: a body with 450k unknown keys must not build a 35 MB one.
  const shown = violations.slice(0, 20).map((violation) => `${violation.field} ${violation.message}`);
  const message = violations.length > shown.length ? `${shown.join("; ")}; and ${violations.length - shown.length} more` : shown.join("; ");
  return new HttpError(400, "invalid_event", message, first.field, { fields: violations });
}

/**
 * The posted ids stored already: the ingester will skip them (or dead-letter them when their
 * content differs). Checked beside the produce, and left out of the answer when the database
 * cannot tell: the events are accepted all the same.
 */
async function storedAlready(deps: IngestRoutesDeps, ids: string[]): Promise<string[] | undefined> {
  try {
    const stored = await deps.events.storedIds(ids);
    if (stored.size > 0) deps.onDuplicates?.(stored.size);
    return ids.filter((id) => stored.has(id));
  } catch (error) {
    deps.logger.warn("cannot tell whether posted events are duplicates", { error: errorMessage(error) });
    return undefined;
  }
}

async function publishOr503(deps: IngestRoutesDeps, ids: string[], publish: () => Promise<void>): Promise<void> {
  try {
    await publish();
  } catch (error) {
    deps.logger.warn("cannot produce posted events to Kafka", { error: errorMessage(error), events: ids.length });
    throw new HttpError(
      503,
      "kafka_unavailable",
      "events could not be handed to Kafka; retry with the same event_ids (a retry is never stored twice)",
      undefined,
      { event_ids: ids },
      5,
    );
  }
}

function requireJson(): RequestHandler {
  return (req, _res, next) => {
    if (!req.is("application/json")) {
      next(new HttpError(415, "unsupported_media_type", "send the event as JSON with Content-Type: application/json", "content-type"));
      return;
    }
    next();
  };
}
