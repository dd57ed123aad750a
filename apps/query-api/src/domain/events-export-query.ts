import type { EventExportFilter } from "@trading-analytics/core";
import { parseEventsQuery } from "./events-query";

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ParsedExportQuery =
  | { ok: true; format: ExportFormat; filter: EventExportFilter }
  | { ok: false; field: string; message: string };

const FILTER_PARAMETERS = new Set(["start_time", "end_time", "event_type", "user_id", "session_id", "service"]);

/**
 * Validates GET /api/v1/events/export: `format` plus the filters of GET /api/v1/events, checked
 * by the same parser so both endpoints accept exactly the same filter values. An export has
 * no pages, so limit and cursor are refused rather than ignored.
 */
export function parseExportQuery(params: Record<string, unknown>, now: Date, ranges: { defaultRangeMs: number; maxRangeMs: number }): ParsedExportQuery {
  const { format, ...filters } = params;
  for (const name of Object.keys(filters)) {
    if (!FILTER_PARAMETERS.has(name)) {
      const message = name === "limit" || name === "cursor" ? "not supported: an export holds every matching event" : "unknown parameter";
      return { ok: false, field: name, message };
    }
  }
  if (format === undefined) return { ok: false, field: "format", message: "is required: csv or ndjson" };
  if (typeof format !== "string" || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    return { ok: false, field: "format", message: "must be csv or ndjson" };
  }
  // limit is never given here (refused above), so these limits only satisfy the signature.
  const parsed = parseEventsQuery(filters, now, { defaultLimit: 1, maxResults: 1, ...ranges });
  if (!parsed.ok) return parsed;
  const { start, end, eventType, userId, sessionId, service } = parsed.query;
  return { ok: true, format: format as ExportFormat, filter: { start, end, eventType, userId, sessionId, service } };
}
