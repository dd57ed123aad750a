import { randomUUID } from "node:crypto";
import {
  checkEnvelope,
  type EventLimits,
  type EventTypeValidator,
  type FieldViolation,
  isStorableTime,
  MAX_EVENT_NESTING,
  nestsDeeperThan,
  numberViolations,
  timeViolation,
  unstorableTextPath,
  type CheckedWireEvent,
} from "@trading-analytics/core";

/** The ingester's limits (it would dead-letter an event outside them), the type's schema and the size. */
export interface IncomingEventRules extends EventLimits {
  types: EventTypeValidator;
  /** Largest event as produced to Kafka (its JSON, in bytes): the ingester dead-letters larger ones, and Kafka may refuse them. */
  maxEventBytes?: number;
}

/** An event ready to produce: its id and time are fixed here, so a retried produce is the same event. */
export type ReadyEvent = CheckedWireEvent & { event_id: string; timestamp: string };

export type IncomingCheck = { ok: true; event: ReadyEvent } | { ok: false; violations: FieldViolation[] };

/**
 * Validates one posted event as the ingester would (envelope, storable text, time window,
 * numbers, the type's schema) and names every bad field. A missing event_id gets a random UUID and a missing
 * timestamp the receipt time, so what is produced to Kafka is final. NexusCore's `data` is
 * produced as properties, and its bad fields are named `data.…` as the client wrote them.
 */
export function checkIncomingEvent(body: unknown, receivedAt: Date, rules: IncomingEventRules): IncomingCheck {
  const checked = checkEvent(body, receivedAt, rules);
  if (checked.ok || !sentData(body)) return checked;
  return { ok: false, violations: checked.violations.map(({ field, message }) => ({ field: field.replace(/^properties(?=$|[.[])/, "data"), message })) };
}

function sentData(body: unknown): boolean {
  return typeof body === "object" && body !== null && "data" in body && !("properties" in body);
}

function checkEvent(body: unknown, receivedAt: Date, rules: IncomingEventRules): IncomingCheck {
  const envelope = checkEnvelope(body, { allErrors: true });
  if (!envelope.ok) return envelope;
  const wire = envelope.envelope;
  // Before anything that walks the value recursively (which a deep enough one would overflow).
  if (nestsDeeperThan(wire, MAX_EVENT_NESTING)) return { ok: false, violations: [{ field: "properties", message: `nests deeper than ${MAX_EVENT_NESTING} levels` }] };
  const violations: FieldViolation[] = [];
  const unstorable = unstorableTextPath(wire);
  if (unstorable !== undefined) {
    violations.push({ field: unstorable || "body", message: "holds \\u0000 or a lone surrogate, which cannot be stored" });
  }
  const timestamp = wire.timestamp === undefined ? receivedAt : new Date(wire.timestamp);
  if (!isStorableTime(timestamp)) {
    violations.push({ field: "timestamp", message: "is not a time that can be stored (years 0001 to 9999 UTC, no leap second)" });
  } else {
    const badTime = timeViolation(timestamp, receivedAt, rules);
    if (badTime) violations.push({ field: badTime.field, message: badTime.message });
  }
  for (const { field, message } of numberViolations(wire.properties ?? {}, rules)) violations.push({ field, message });
  violations.push(...rules.types.violations(wire.event_type, wire.properties ?? {}));
  if (violations.length > 0) return { ok: false, violations };
  const event = { ...wire, event_id: wire.event_id ?? randomUUID(), timestamp: timestamp.toISOString() };
  if (rules.maxEventBytes !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > rules.maxEventBytes) return { ok: false, violations: [{ field: "properties", message: `make the event ${bytes} bytes; at most ${rules.maxEventBytes}` }] };
  }
  return { ok: true, event };
}

export type BatchCheck = { ok: true; events: ReadyEvent[] } | { ok: false; violations: FieldViolation[] };

/**
 * A batch is `{"events": [...]}` (or a bare array) of at most maxEvents events. It is accepted
 * whole or not at all: one bad event refuses the batch, naming each bad field as events[i].field,
 * so a client never has to work out which part was produced.
 */
export function checkIncomingBatch(body: unknown, receivedAt: Date, rules: IncomingEventRules & { maxEvents: number }): BatchCheck {
  const list = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(list)) return { ok: false, violations: [{ field: "events", message: "must be an array of events" }] };
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const extra = Object.keys(body).find((key) => key !== "events");
    if (extra !== undefined) return { ok: false, violations: [{ field: extra, message: "is not a known field" }] };
  }
  if (list.length === 0) return { ok: false, violations: [{ field: "events", message: "must hold at least one event" }] };
  if (list.length > rules.maxEvents) {
    return { ok: false, violations: [{ field: "events", message: `holds ${list.length} events; at most ${rules.maxEvents} per batch` }] };
  }
  const events: ReadyEvent[] = [];
  const violations: FieldViolation[] = [];
  list.forEach((item, index) => {
    const checked = checkIncomingEvent(item, receivedAt, rules);
    if (checked.ok) events.push(checked.event);
    else for (const violation of checked.violations) violations.push({ ...violation, field: `events[${index}].${violation.field}` });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, events };
}
