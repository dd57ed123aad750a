import { EVENT_TYPE_PATTERN, type EventQuery, formatDuration } from "@trading-analytics/core";
import { decodeCursor } from "./event-cursor";
import { parseRfc3339 } from "./query-params";

export interface EventsQueryLimits {
  defaultLimit: number;
  maxResults: number;
  /** Range when the request gives no start_time. */
  defaultRangeMs: number;
  /** Longest range allowed (analytics.query.max_range): every day of it is a partition to scan. */
  maxRangeMs: number;
}

export type ParsedEventsQuery = { ok: true; query: EventQuery } | { ok: false; field: string; message: string };

const KNOWN_PARAMETERS = new Set(["start_time", "end_time", "event_type", "user_id", "session_id", "service", "limit", "cursor"]);
/** `properties.<key>=<value>` filters on top-level properties; keys like the ones producers use. */
const PROPERTY_FILTER = /^properties\.([A-Za-z_][A-Za-z0-9_]{0,63})$/;
const MAX_PROPERTY_FILTERS = 5;

/** Validates GET /api/v1/events query parameters; an error names the first bad field. */
export function parseEventsQuery(params: Record<string, unknown>, now: Date, limits: EventsQueryLimits): ParsedEventsQuery {
  const properties: Record<string, string> = {};
  for (const name of Object.keys(params)) {
    const property = PROPERTY_FILTER.exec(name)?.[1];
    if (property !== undefined) {
      const value = params[name];
      if (typeof value === "string" && (value.length === 0 || value.length > 256)) return { ok: false, field: name, message: "must be 1 to 256 characters" };
      if (typeof value === "string" && value.includes("\u0000")) return { ok: false, field: name, message: "must not hold U+0000 (%00)" };
      if (typeof value === "string") properties[property] = value;
      continue;
    }
    if (!KNOWN_PARAMETERS.has(name)) return { ok: false, field: name, message: "unknown parameter (filter on a property with properties.<name>=<value>)" };
  }
  if (Object.keys(properties).length > MAX_PROPERTY_FILTERS) {
    return { ok: false, field: "properties", message: `at most ${MAX_PROPERTY_FILTERS} property filters` };
  }
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== "string") return { ok: false, field: name, message: "must be given once" };
  }
  const text = params as Record<string, string | undefined>;

  const end = text.end_time === undefined ? now : parseRfc3339(text.end_time);
  if (!end) return { ok: false, field: "end_time", message: "must be an RFC 3339 time like 2025-10-03T12:00:00Z" };
  const start = text.start_time === undefined ? new Date(end.getTime() - limits.defaultRangeMs) : parseRfc3339(text.start_time);
  if (!start) return { ok: false, field: "start_time", message: "must be an RFC 3339 time like 2025-10-03T00:00:00Z" };
  if (start.getTime() >= end.getTime()) return { ok: false, field: "start_time", message: "must be before end_time" };
  if (end.getTime() - start.getTime() > limits.maxRangeMs) {
    return { ok: false, field: "start_time", message: `is more than ${formatDuration(limits.maxRangeMs)} before end_time (analytics.query.max_range)` };
  }

  let limit = limits.defaultLimit;
  if (text.limit !== undefined) {
    limit = Number(text.limit);
    if (!/^\d+$/.test(text.limit) || limit < 1 || limit > limits.maxResults) {
      return { ok: false, field: "limit", message: `must be an integer from 1 to ${limits.maxResults}` };
    }
  }
  if (text.event_type !== undefined && !EVENT_TYPE_PATTERN.test(text.event_type)) {
    return { ok: false, field: "event_type", message: "must be a dotted lower-case name like order.placed" };
  }
  for (const field of ["user_id", "session_id", "service"] as const) {
    const value = text[field];
    if (value !== undefined && (value.length === 0 || value.length > 256)) {
      return { ok: false, field, message: "must be 1 to 256 characters" };
    }
    if (value !== undefined && value.includes("\u0000")) return { ok: false, field, message: "must not hold U+0000 (%00)" };
  }
  const before = text.cursor === undefined ? undefined : decodeCursor(text.cursor);
  if (text.cursor !== undefined && !before) return { ok: false, field: "cursor", message: "is not a cursor this API returned" };

  return {
    ok: true,
    query: { start, end, limit, eventType: text.event_type, userId: text.user_id, sessionId: text.session_id, service: text.service, properties, before },
  };
}
