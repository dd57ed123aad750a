import { z } from "zod";
import { EVENT_TYPE_PATTERN } from "@trading-analytics/core";
import { API_KEY, json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, errorResponse, time, uuid } from "./shared.schemas";

// Documentation and types only: checkIncomingEvent validates as the ingester does, naming every bad field.

const optionalText = z.string().max(256).nullable().optional();

export const incomingEventSchema = z
  .strictObject({
    event_id: uuid.optional().describe("your id for idempotent retries; generated when absent"),
    event_type: z.string().regex(EVENT_TYPE_PATTERN),
    user_id: optionalText,
    session_id: optionalText,
    service: optionalText.describe("the emitting service (NexusCore's service)"),
    properties: z.record(z.string(), z.unknown()).optional().describe("checked against the type's schema (built-in or custom)"),
    data: z.record(z.string(), z.unknown()).optional().describe("NexusCore's name for properties, stored as properties"),
    timestamp: time.optional().describe("when it happened; receipt time when absent"),
  })
  .refine((event) => event.data === undefined || event.properties === undefined, { message: "give properties or data, not both", path: ["data"] })
  .meta({ not: { required: ["data", "properties"] } })
  .describe("Our envelope, or NexusCore's {event_type, user_id, service, timestamp, data}: data is stored as properties; sending both is refused naming data.");
export type IncomingEvent = z.input<typeof incomingEventSchema>;

export const eventAcceptedSchema = z.object({
  success: z.literal(true),
  event_id: uuid,
  duplicate: z
    .boolean()
    .optional()
    .describe("the id is stored already: this copy is not stored again (dead-lettered if its content differs); absent when the database could not tell"),
});
export type EventAccepted = z.infer<typeof eventAcceptedSchema>;

export const batchAcceptedSchema = z.object({
  success: z.literal(true),
  accepted: z.int(),
  event_ids: z.array(uuid),
  duplicate_event_ids: z.array(uuid).optional().describe("ids of the batch stored already (not stored again)"),
});
export type BatchAccepted = z.infer<typeof batchAcceptedSchema>;

const KAFKA_DOWN = errorResponse("Kafka did not acknowledge; retry with the same event_ids");
const NOT_JSON = errorResponse("the body is not JSON");

export const postEventRoute = {
  method: "post",
  path: "/api/v1/events",
  tags: ["events"],
  summary: "Track one event: validated like the ingester validates, then produced to Kafka",
  security: API_KEY,
  body: incomingEventSchema,
  responses: {
    "202": json(eventAcceptedSchema, "accepted; stored by the ingester exactly once"),
    ...COMMON_ERRORS,
    "413": errorResponse("body larger than server.max_body_bytes"),
    "415": NOT_JSON,
    "503": KAFKA_DOWN,
  },
} satisfies RouteContract;

export const postEventBatchRoute = {
  method: "post",
  path: "/api/v1/events/batch",
  tags: ["events"],
  summary: "Track up to server.max_batch_events events; the batch is accepted whole or refused whole",
  body: z.xor([z.strictObject({ events: z.array(incomingEventSchema) }), z.array(incomingEventSchema)]),
  responses: {
    "202": json(batchAcceptedSchema, "accepted"),
    ...COMMON_ERRORS,
    "413": errorResponse("body too large"),
    "415": NOT_JSON,
    "503": KAFKA_DOWN,
  },
} satisfies RouteContract;

export const INGEST_ROUTES: RouteContract[] = [postEventRoute, postEventBatchRoute];
