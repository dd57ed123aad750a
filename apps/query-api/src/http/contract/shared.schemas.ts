import { z } from "zod";
import { enumParam, timeParam } from "./query-params";
import { json, type ResponseContract } from "./route-contract";

/** An RFC 3339 time as the API writes it (toISOString, or PostgreSQL's UTC text). */
export const time = z.iso.datetime({ offset: true });
export const nullableTime = time.nullable();
export const nullableNumber = z.number().nullable();
export const nullableString = z.string().nullable();
// Any 8-4-4-4-12 hex id: a client may choose its own event ids.
export const uuid = z.guid();

/** The range and interval most trading answers echo. */
export const rangeView = { interval: z.string(), start_time: time, end_time: time };

export const errorSchema = z
  .object({
    error: z.string().describe("what went wrong, for people"),
    code: z.string().describe("what went wrong, for programs (invalid_parameter, rate_limited, ...)"),
    field: z.string().optional().describe("the parameter or body field at fault"),
    request_id: z.string().optional(),
    retry_after: z.int().optional().describe("on 429: seconds until a request is admitted again (as Retry-After)"),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    fields_omitted: z.int().optional().describe("bad fields past the first 20 listed in fields"),
    event_ids: z.array(z.string()).optional(),
  })
  .describe("Flat, as the B25 seed's clients read it: error is the message; code, field, request_id and any details sit beside it.");
export type ErrorResponse = z.infer<typeof errorSchema>;

export const errorResponse = (description: string): ResponseContract => json(errorSchema, description);

/** What any route with a key may answer besides its own. */
export const COMMON_ERRORS: Record<string, ResponseContract> = {
  "400": errorResponse("a parameter or the body is invalid; field names it"),
  "401": errorResponse("API key missing, unknown or revoked (when API keys are enabled)"),
  "403": errorResponse("the API key lacks the scope this route needs"),
  "429": errorResponse("rate limited; see Retry-After and X-RateLimit-*"),
};

/** start_time/end_time as most read routes take them. */
export const RANGE_PARAMS = {
  start_time: timeParam("RFC 3339; default end_time minus one day (events and export: at most analytics.query.max_range before end_time)").optional(),
  end_time: timeParam("RFC 3339; default now").optional(),
};
export const intervalParam = (description = "rollup interval") => enumParam(description, ["1m", "5m", "15m", "1h", "1d"]).optional();
