import { z } from "zod";
import { EVENT_TYPE_PATTERN } from "@trading-analytics/core";
import { enumParam, integerParam, textParam } from "./query-params";
import { json, type RouteContract, text } from "./route-contract";
import { COMMON_ERRORS, errorResponse, nullableString, RANGE_PARAMS, time, uuid } from "./shared.schemas";

export const eventSchema = z.object({
  id: uuid.describe("the event's id (the reference's name; the same as event_id)"),
  event_id: uuid,
  event_type: z.string(),
  user_id: nullableString,
  session_id: nullableString,
  service: nullableString.describe("the emitting service (NexusCore's service); null when none was named"),
  properties: z.record(z.string(), z.unknown()),
  timestamp: time,
  created_at: time.describe("when the event was stored (the reference's name; the same as received_at)"),
  received_at: time,
  source: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }).nullable(),
});
export type EventView = z.infer<typeof eventSchema>;

const eventType = (description: string) => z.string().regex(EVENT_TYPE_PATTERN, "must be a dotted lower-case name like order.placed").describe(description);

/** The filters GET /api/v1/events and its export share. */
const EVENT_FILTERS = {
  ...RANGE_PARAMS,
  event_type: eventType("only this event type").optional(),
  user_id: textParam("only this user").optional(),
  session_id: textParam("only this session").optional(),
  service: textParam("only events of this emitting service (NexusCore's service)").optional(),
};

export const eventsPageSchema = z.object({
  events: z.array(eventSchema),
  count: z.int(),
  start_time: time,
  end_time: time,
  next_cursor: nullableString,
});
export type EventsPage = z.infer<typeof eventsPageSchema>;

export const eventStatsSchema = z.object({ start_time: time, end_time: time, total_events: z.int(), by_type: z.record(z.string(), z.int()) });
export type EventStats = z.infer<typeof eventStatsSchema>;

const QUERY_TIMEOUT = errorResponse("query_timeout: the query ran past analytics.query.timeout");

export const listEventsRoute = {
  method: "get",
  path: "/api/v1/events",
  tags: ["events"],
  summary: "Stored events, newest first, keyset-paginated (stable under concurrent inserts)",
  // Checked by parseEventsQuery: its limits come from the config and property filters from the names.
  query: z.object({
    ...EVENT_FILTERS,
    limit: integerParam("1..analytics.query.max_results; default analytics.query.default_limit", 1).optional(),
    cursor: z.string().describe("next_cursor of the previous page").optional(),
    "properties.{name}": z.string().describe("filter: a top-level property equals this text (up to 5 such filters, e.g. properties.symbol=BTCUSDT)").optional(),
  }),
  responses: { "200": json(eventsPageSchema, "a page of events"), ...COMMON_ERRORS, "503": QUERY_TIMEOUT },
} satisfies RouteContract;

export const eventStatsRoute = {
  method: "get",
  path: "/api/v1/events/stats",
  tags: ["events"],
  summary: "Stored events over a range (at most 31 days), in total and by type, most frequent first",
  query: z.object({ ...RANGE_PARAMS, limit: integerParam("list at most this many types", 1, 10_000).optional() }),
  responses: { "200": json(eventStatsSchema, "counts"), ...COMMON_ERRORS },
} satisfies RouteContract;

const exportQuery = z.object({ format: enumParam("csv or ndjson", ["csv", "ndjson"]), ...EVENT_FILTERS });

export const exportEventsRoute = {
  method: "get",
  path: "/api/v1/events/export",
  tags: ["events"],
  summary: "Every event matching the filters, oldest first, streamed as CSV or NDJSON in constant memory (CSV cells starting like a formula get a leading ')",
  description: "Each NDJSON line is one Event.",
  query: exportQuery,
  responses: {
    "200": text(["text/csv", "application/x-ndjson"], z.string(), "the events"),
    ...COMMON_ERRORS,
    "429": errorResponse("rate limited, or this API key (or address) already runs analytics.query.max_exports_per_client exports"),
    "503": errorResponse("query_timeout: the export's query ran past analytics.query.export_timeout before its first row"),
  },
} satisfies RouteContract;

export const exportEventsHeadRoute = {
  method: "head",
  path: "/api/v1/events/export",
  tags: ["events"],
  summary: "The headers GET would send (type, file name), without running the export",
  query: exportQuery,
  responses: { "200": { description: "headers only" }, ...COMMON_ERRORS },
} satisfies RouteContract;

export const streamEventsRoute = {
  method: "get",
  path: "/api/v1/events/stream",
  tags: ["events"],
  summary: "Server-Sent Events: each newly stored event (event: event, id: event_id, data: the event's JSON)",
  query: z.object({
    event_type: z.string().describe("comma-separated event types to receive").optional(),
    user_id: textParam("only this user's events").optional(),
    service: textParam("only this service's events").optional(),
  }),
  responses: {
    "200": text(["text/event-stream"], z.string(), "an event stream"),
    ...COMMON_ERRORS,
    "429": errorResponse("rate limited, or this API key (or address) already holds analytics.query.max_streams_per_client streams"),
    "503": errorResponse("this process already serves analytics.query.max_streams streams, or is shutting down"),
  },
} satisfies RouteContract;

export const EVENTS_ROUTES: RouteContract[] = [listEventsRoute, eventStatsRoute, exportEventsRoute, exportEventsHeadRoute, streamEventsRoute];
