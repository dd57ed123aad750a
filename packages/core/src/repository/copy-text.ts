import type { AnalyticsEvent } from "../models";

// PostgreSQL COPY text format: one line per row, tab-separated columns, \N for NULL, and
// backslash, tab, newline and carriage return escaped inside values.

/** The events columns, in the order copyRow writes them. */
export const EVENT_COPY_COLUMNS = [
  "id",
  "event_type",
  '"timestamp"',
  "created_at",
  "user_id",
  "session_id",
  "service",
  "properties",
  "source_topic",
  "source_partition",
  "source_offset",
] as const;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const REPLACEMENTS: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function copyValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "number" ? String(value) : value;
  // Most values need no escaping; testing first avoids a replace per column.
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, (char) => REPLACEMENTS[char]!) : text;
}

// A batch's events share one receivedAt Date: formatted once, not once per row.
let receivedDate: Date | undefined;
let receivedMs = NaN;
let receivedText = "";

function receivedIso(date: Date): string {
  const ms = date.getTime();
  if (date !== receivedDate || ms !== receivedMs) {
    receivedText = date.toISOString();
    receivedDate = date;
    receivedMs = ms;
  }
  return receivedText;
}

/** One events row in COPY text format, newline included. */
export function copyRow(event: AnalyticsEvent): string {
  return eventsRow(event, event.timestamp.toISOString());
}

/**
 * The COPY text of a batch for both tables it goes to: events rows (as copyRow writes them)
 * and event_ids rows (event_id, event_time), each time formatted once.
 */
export function copyBatch(events: readonly AnalyticsEvent[]): { events: string; ids: string } {
  let rows = "";
  let ids = "";
  for (const event of events) {
    const time = event.timestamp.toISOString();
    const id = copyValue(event.eventId);
    rows += eventsRow(event, time, id);
    ids += id + "\t" + time + "\n";
  }
  return { events: rows, ids };
}

function eventsRow(event: AnalyticsEvent, time: string, id = copyValue(event.eventId)): string {
  return (
    id +
    "\t" +
    copyValue(event.eventType) +
    "\t" +
    time +
    "\t" +
    receivedIso(event.receivedAt) +
    "\t" +
    copyValue(event.userId) +
    "\t" +
    copyValue(event.sessionId) +
    "\t" +
    copyValue(event.service) +
    "\t" +
    copyValue(JSON.stringify(event.properties)) +
    "\t" +
    copyValue(event.source?.topic) +
    "\t" +
    copyValue(event.source?.partition) +
    "\t" +
    copyValue(event.source?.offset) +
    "\n"
  );
}
