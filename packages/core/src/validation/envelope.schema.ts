import { EVENT_TYPE_MAX_LENGTH } from "../models";

/** Longest user_id, session_id and service a producer may send (the GET filters take as long). */
export const ENVELOPE_ID_MAX_LENGTH = 256;

/**
 * JSON Schema of the envelope every producer sends (see WireEvent in core): ours, and
 * NexusCore's `{event_type, user_id, service, timestamp, data}`, whose `data` is our properties.
 */
export const envelopeSchema = {
  type: "object",
  required: ["event_type"],
  additionalProperties: false,
  properties: {
    event_id: { type: "string", format: "uuid" },
    event_type: { type: "string", minLength: 1, maxLength: EVENT_TYPE_MAX_LENGTH, pattern: "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$" },
    user_id: { type: ["string", "null"], maxLength: ENVELOPE_ID_MAX_LENGTH },
    session_id: { type: ["string", "null"], maxLength: ENVELOPE_ID_MAX_LENGTH },
    service: { type: ["string", "null"], maxLength: ENVELOPE_ID_MAX_LENGTH },
    properties: { type: "object" },
    data: { type: "object" },
    timestamp: { type: "string", format: "date-time" },
  },
} as const;
