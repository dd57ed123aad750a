import { z } from "zod";
import { SET_ASIDE_REASONS } from "@trading-analytics/core";
import { enumParam, integerParam, textParam, timeParam } from "./query-params";
import { json, PUBLIC, type RouteContract, text } from "./route-contract";
import { COMMON_ERRORS, nullableString, nullableTime, time, uuid } from "./shared.schemas";

const connection = z.enum(["connected", "disconnected"]);

export const healthReportSchema = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy", "shutting_down"]),
  service: z.string().describe("analytics for the query-api (the seed's name)"),
  database: connection.optional().describe("the seed's field: the database check is up"),
  cache: connection.optional().describe("the seed's field: the Redis check is up"),
  timestamp: time,
  fatal: z.string().optional().describe("on a 503 liveness answer: the component gone for good"),
  checks: z.record(z.string(), z.object({ status: z.enum(["up", "down"]), latency_ms: z.number(), error: z.string().optional() })),
});
export type HealthReportResponse = z.infer<typeof healthReportSchema>;

const counts = z.record(z.string(), z.int());

export const ingestionMetricsSchema = z.object({
  timestamp: time,
  live: z.object({ events_per_second: z.number(), events_last_minute: z.int(), events_last_minute_by_type: counts }).nullable(),
  aggregation: z.object({ events_aggregated: z.int(), cursor_updated_at: nullableTime, late_events: z.int() }),
});
export type IngestionMetrics = z.infer<typeof ingestionMetricsSchema>;

export const deadLetterMinuteSchema = z.object({ minute_start: time, count: z.int(), by_reason: counts });
export type DeadLetterMinute = z.infer<typeof deadLetterMinuteSchema>;

export const deadLettersSchema = z.object({
  timestamp: time,
  minutes: z.int(),
  dead_letters: z
    .object({ total: z.int(), by_reason: counts, per_minute: z.array(deadLetterMinuteSchema) })
    .nullable()
    .describe("null while Redis is unavailable"),
});
export type DeadLetters = z.infer<typeof deadLettersSchema>;

export const setAsideSchema = z.object({
  start_time: time,
  end_time: time,
  count: z.int(),
  events: z.array(
    z.object({ event_id: uuid, event_time: time, event_type: z.string(), reason: z.enum(SET_ASIDE_REASONS), detail: z.string(), set_aside_at: time }),
  ),
  next_cursor: nullableString,
});
export type SetAsidePage = z.infer<typeof setAsideSchema>;

const healthRoute = (path: string, summary: string, responses: RouteContract["responses"]): RouteContract => ({
  method: "get",
  path,
  tags: ["operations"],
  summary,
  security: PUBLIC,
  responses,
});

/** The ops routes core serves (health, readiness, Prometheus at the configured path). */
export function opsContracts(metricsPath: string): RouteContract[] {
  const report = json(healthReportSchema, "the report");
  const down = json(healthReportSchema, "a critical dependency is down");
  return [
    healthRoute("/health", "Liveness: the process answers (dependency trouble shows in the body)", {
      "200": json(healthReportSchema, "alive"),
      "503": json(healthReportSchema, "a component is gone for good and only a restart brings it back (fatal names it)"),
    }),
    healthRoute("/ready", "Readiness: 200 while every critical dependency is up and the process is not shutting down", { "200": report, "503": down }),
    healthRoute("/healthz", "Health report: each dependency with its latency", { "200": report, "503": down }),
    healthRoute(metricsPath, "Prometheus metrics", { "200": text(["text/plain"], z.string(), "text exposition format") }),
  ];
}

export const openApiDocumentRoute = {
  method: "get",
  path: "/api/v1/openapi.json",
  tags: ["operations"],
  summary: "This document",
  security: PUBLIC,
  responses: { "200": json(z.record(z.string(), z.unknown()), "OpenAPI 3.1") },
} satisfies RouteContract;

export const ingestionMetricsRoute = {
  method: "get",
  path: "/api/v1/internal/ingestion-metrics",
  tags: ["operations"],
  summary: "What is arriving now (ingesters' counters in Redis) and how far aggregation has got",
  responses: { "200": json(ingestionMetricsSchema, "ingestion progress"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const deadLettersRoute = {
  method: "get",
  path: "/api/v1/internal/dead-letters",
  tags: ["operations"],
  summary: "Messages the ingesters dead-lettered per minute of receipt and by rejection reason (their counters in Redis; the current minute is still filling)",
  // The route parses its query with this schema.
  query: z.object({ minutes: integerParam("the last this many minutes, 1..1440; default 60", 1, 1440).optional() }),
  responses: { "200": json(deadLettersSchema, "dead letters"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const setAsideRoute = {
  method: "get",
  path: "/api/v1/aggregation/set-aside",
  tags: ["operations"],
  summary:
    "Stored events the aggregator set aside instead of folding into rollups (a measure out of range or not finite, or a fold that failed on its own), oldest first",
  // Values checked by hand: the range comes first, and the cursor is decoded.
  query: z.object({
    start_time: timeParam("set aside at or after, RFC 3339; default end_time minus 7 days (span at most 366 days)").optional(),
    end_time: timeParam("set aside before, RFC 3339; default now").optional(),
    reason: enumParam("only this reason", SET_ASIDE_REASONS, { maxLength: 64 }).optional(),
    limit: integerParam("events per page, 1..1000; default 100", 1, 1000).optional(),
    cursor: textParam("next_cursor of the previous page", { maxLength: 200 }).optional(),
  }),
  responses: { "200": json(setAsideSchema, "set-aside events"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const OPERATIONS_ROUTES: RouteContract[] = [openApiDocumentRoute, ingestionMetricsRoute, deadLettersRoute, setAsideRoute];
