import { stringify } from "csv-stringify/sync";
import { type AnalyticsEvent, toEventView } from "@trading-analytics/core";
import type { ExportFormat } from "./events-export-query";

/** Turns batches of events into the text of one export format. */
export interface ExportEncoder {
  contentType: string;
  extension: string;
  /** What comes before the first event (the CSV header line); also the whole body of an empty export. */
  header: string;
  encode(events: readonly AnalyticsEvent[]): string;
}

// id and created_at (the reference's names, the same values as event_id and received_at), then
// service, come last, so that readers of the earlier columns by position read what they read before.
export const CSV_COLUMNS = ["event_id", "event_type", "user_id", "session_id", "timestamp", "received_at", "properties", "id", "created_at", "service"] as const;

/**
 * A cell starting with = + - @ tab or CR (or their full-width forms) gets a leading single quote,
 * so a spreadsheet shows it as text instead of running it (OWASP "CSV injection").
 */
const CSV_OPTIONS = { escape_formulas: true } as const;

/** RFC 4180 CSV (quoting by csv-stringify); properties as JSON text, a missing user, session or service as an empty field. */
const csv: ExportEncoder = {
  contentType: "text/csv; charset=utf-8",
  extension: "csv",
  header: stringify([CSV_COLUMNS as unknown as string[]], CSV_OPTIONS),
  encode: (events) =>
    stringify(
      events.map((event) => [
        event.eventId,
        event.eventType,
        event.userId,
        event.sessionId,
        event.timestamp.toISOString(),
        event.receivedAt.toISOString(),
        JSON.stringify(event.properties),
        event.eventId,
        event.receivedAt.toISOString(),
        event.service,
      ]),
      CSV_OPTIONS,
    ),
};

/** One JSON object per line, each the view GET /api/v1/events returns for an event. */
const ndjson: ExportEncoder = {
  contentType: "application/x-ndjson",
  extension: "ndjson",
  header: "",
  encode: (events) => {
    let text = "";
    for (const event of events) text += `${JSON.stringify(toEventView(event))}\n`;
    return text;
  },
};

export function exportEncoder(format: ExportFormat): ExportEncoder {
  return format === "csv" ? csv : ndjson;
}

/** events-20251003T000000Z-20251004T000000Z.csv: the range, in characters every file system accepts. */
export function exportFileName(start: Date, end: Date, extension: string): string {
  const compact = (time: Date) => time.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `events-${compact(start)}-${compact(end)}.${extension}`;
}
