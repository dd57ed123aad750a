import { EVENT_TYPE_PATTERN } from "@trading-analytics/core";
import type { LiveEventFilter } from "../live/live-event-filter";

export type ParsedStreamQuery = { ok: true; filter: LiveEventFilter } | { ok: false; field: string; message: string };

const KNOWN_PARAMETERS = new Set(["event_type", "user_id", "service"]);
/** More types than this is a client bug, and each costs every poll a comparison. */
export const MAX_STREAM_EVENT_TYPES = 50;

/** Validates GET /api/v1/events/stream: event_type (a comma-separated list), user_id and service, all optional. */
export function parseStreamQuery(params: Record<string, unknown>): ParsedStreamQuery {
  for (const [name, value] of Object.entries(params)) {
    if (!KNOWN_PARAMETERS.has(name)) return { ok: false, field: name, message: "unknown parameter" };
    if (typeof value !== "string") return { ok: false, field: name, message: "must be given once" };
  }
  const text = params as Record<string, string | undefined>;

  let eventTypes: ReadonlySet<string> | undefined;
  if (text.event_type !== undefined) {
    const types = text.event_type.split(",").map((type) => type.trim());
    const bad = types.find((type) => !EVENT_TYPE_PATTERN.test(type));
    if (bad !== undefined) {
      const shown = bad === "" ? "an empty name" : JSON.stringify(bad);
      return { ok: false, field: "event_type", message: `${shown} is not a dotted lower-case name like order.placed` };
    }
    if (types.length > MAX_STREAM_EVENT_TYPES) {
      return { ok: false, field: "event_type", message: `at most ${MAX_STREAM_EVENT_TYPES} types` };
    }
    eventTypes = new Set(types);
  }
  for (const field of ["user_id", "service"] as const) {
    const value = text[field];
    if (value !== undefined && (value.length === 0 || value.length > 256)) return { ok: false, field, message: "must be 1 to 256 characters" };
  }
  const { user_id: userId, service } = text;
  return { ok: true, filter: { eventTypes, userId, service } };
}
