import { z } from "zod";
import { flagParam } from "./query-params";
import { json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, errorResponse, nullableString, time } from "./shared.schemas";

// Bodies are documented here and checked by parseCustomEventBody, whose schema checks need the validator.
export const customEventBodySchema = z.strictObject({
  name: z.string().optional().describe("required on POST; on PUT it must match the path if given"),
  display_name: nullableString.optional(),
  description: nullableString.optional(),
  schema: z
    .record(z.string(), z.unknown())
    .describe(
      "a JSON Schema for the event's properties, refused with 400 (field schema, saying why) unless it is synchronous (no $async), its patterns compile on RE2 (no backreferences or lookaround; they run in linear time) to at most 64 instructions per value, every $ref is a JSON pointer inside it and none loops back without descending into the event, at most 10,000 subschemas apply to one value with every $ref expanded, no other active type declares its $id, uniqueItems is bounded (maxItems <= 1000 or scalar items), it is at most 64 KiB and 32 levels deep, and ajv compiles it",
    ),
  is_active: z.boolean().optional(),
});
export type CustomEventBody = z.input<typeof customEventBodySchema>;

export const customEventDefinitionSchema = z.object({
  name: z.string(),
  version: z.int(),
  display_name: nullableString,
  description: nullableString,
  schema: z.record(z.string(), z.unknown()),
  is_active: z.boolean(),
  created_at: time,
});
export type CustomEventDefinitionResponse = z.infer<typeof customEventDefinitionSchema>;

export const customEventListSchema = z.object({ definitions: z.array(customEventDefinitionSchema), count: z.int() });
export type CustomEventList = z.infer<typeof customEventListSchema>;

export const customEventVersionsSchema = customEventDefinitionSchema.extend({
  versions: z.array(z.object({ version: z.int(), is_active: z.boolean(), created_at: time })),
});
export type CustomEventVersions = z.infer<typeof customEventVersionsSchema>;

const NAME_PARAM = z.object({ name: z.string().describe("the event type") });
const NOT_DEFINED = errorResponse("never defined");

export const listCustomEventsRoute = {
  method: "get",
  path: "/api/v1/custom-events",
  tags: ["custom events"],
  summary: "The latest version of every custom event type (active only unless include_inactive=true)",
  // The route parses its query with this schema; other parameters are ignored, as they always were.
  query: z.object({ include_inactive: flagParam("true to list deactivated types too").optional() }),
  responses: { "200": json(customEventListSchema, "definitions"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const createCustomEventRoute = {
  method: "post",
  path: "/api/v1/custom-events",
  tags: ["custom events"],
  summary: "Define a custom event type with a JSON Schema (enforced on ingest; ingesters reload without restart)",
  body: customEventBodySchema,
  responses: { "201": json(customEventDefinitionSchema, "defined (version 1)"), ...COMMON_ERRORS, "409": errorResponse("the name is already defined") },
} satisfies RouteContract;

export const getCustomEventRoute = {
  method: "get",
  path: "/api/v1/custom-events/{name}",
  tags: ["custom events"],
  summary: "The latest version of one custom event type and its version history",
  params: NAME_PARAM,
  responses: { "200": json(customEventVersionsSchema, "the definition"), ...COMMON_ERRORS, "404": NOT_DEFINED },
} satisfies RouteContract;

export const updateCustomEventRoute = {
  method: "put",
  path: "/api/v1/custom-events/{name}",
  tags: ["custom events"],
  summary: "Change a custom event type: a new version becomes the active one (old versions are kept)",
  params: NAME_PARAM,
  body: customEventBodySchema,
  responses: { "200": json(customEventDefinitionSchema, "the new version"), ...COMMON_ERRORS, "404": NOT_DEFINED },
} satisfies RouteContract;

export const deactivateCustomEventRoute = {
  method: "delete",
  path: "/api/v1/custom-events/{name}",
  tags: ["custom events"],
  summary: "Deactivate a custom event type (its versions are kept)",
  params: NAME_PARAM,
  responses: { "200": json(customEventDefinitionSchema, "the deactivated version"), ...COMMON_ERRORS, "404": errorResponse("unknown or already inactive") },
} satisfies RouteContract;

export const CUSTOM_EVENTS_ROUTES: RouteContract[] = [listCustomEventsRoute, createCustomEventRoute, getCustomEventRoute, updateCustomEventRoute, deactivateCustomEventRoute];
