import type { AnalyticsEvent } from "../models";

// PostgreSQL COPY text format: one line per row, tab-separated columns, \N for NULL, and
// backslash, tab, newline and carriage return escaped inside values.

/** The events columns, in the order copyRow writes them. */
export const EVENT_COPY_COLUMNS = [
  "event_id",
  "event_type",
  "event_time",
  "received_at",
  "user_id",
  "session_id",
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

/** One events row in COPY text format, newline included. */
export function copyRow(event: AnalyticsEvent): string {
  return (
    copyValue(event.eventId) +
    "\t" +
    copyValue(event.eventType) +
    "\t" +
    event.timestamp.toISOString() +
    "\t" +
    event.receivedAt.toISOString() +
    "\t" +
    copyValue(event.userId) +
    "\t" +
    copyValue(event.sessionId) +
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
