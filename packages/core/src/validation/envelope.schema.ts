import { EVENT_TYPE_MAX_LENGTH } from "../models";

/** JSON Schema of the envelope every producer sends (see WireEvent in core). */
export const envelopeSchema = {
  type: "object",
  required: ["event_type"],
  additionalProperties: false,
  properties: {
    event_id: { type: "string", format: "uuid" },
    event_type: { type: "string", minLength: 1, maxLength: EVENT_TYPE_MAX_LENGTH, pattern: "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$" },
    user_id: { type: ["string", "null"], maxLength: 256 },
    session_id: { type: ["string", "null"], maxLength: 256 },
    properties: { type: "object" },
    timestamp: { type: "string", format: "date-time" },
  },
} as const;
