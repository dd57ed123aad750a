import { type AnalyticsEvent, EVENT_TYPE_MAX_LENGTH, EVENT_TYPE_PATTERN, eventIdFromKafkaPosition, type EventSource } from "../models";
import { checkEnvelope } from "./envelope-validator";
import { type EventLimits, numberViolations, timeViolation } from "./event-limits";
import type { EventTypeValidator } from "./event-type-validator";
import type { Rejection } from "./reject-reason";
import { isStorableTime, MAX_EVENT_NESTING, nestsDeeperThan } from "./storable-limits";
import { unstorableTextPath } from "./unstorable-text";
import { errorMessage } from "../errors";

export interface RawMessage {
  value: Buffer | null;
  /** Kafka message timestamp, milliseconds since the epoch, as kafkajs gives it. */
  timestamp: string;
  source: EventSource;
}

export interface ParseOptions extends EventLimits {
  maxEventBytes: number;
  /** This deployment's namespace for ids derived from a Kafka position (deployment_settings). */
  derivedIdNamespace: string;
}

/** A rejection also names the event type the message claimed, when it claimed a valid one (for metrics). */
export type ParseResult = { ok: true; event: AnalyticsEvent } | ({ ok: false; eventType?: string } & Rejection);

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The ingester's whole rule set, in core so that replaying dead letters (the CLI) judges them
 * exactly as the ingester does. Turns one Kafka message into an event, or says why it can never become one. Pure:
 * the same message always gives the same result (ids and times derive from the message).
 */
export function parseMessage(message: RawMessage, receivedAt: Date, options: ParseOptions, types: EventTypeValidator): ParseResult {
  const bytes = message.value ?? Buffer.alloc(0);
  if (bytes.length > options.maxEventBytes) {
    return { ok: false, reason: "too_large", detail: `message is ${bytes.length} bytes; the limit is ${options.maxEventBytes}` };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: "invalid_utf8", detail: "message value is not valid UTF-8" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "invalid_json", detail: errorMessage(error) };
  }
  const envelope = checkEnvelope(parsed);
  if (!envelope.ok) {
    const first = envelope.violations[0]!;
    return { ok: false, reason: "invalid_envelope", detail: `${first.field} ${first.message}`, ...claimedType(parsed) };
  }
  const body = envelope.envelope;
  // Before anything walks it recursively: writing it would overflow the stack on every retry.
  if (nestsDeeperThan(body, MAX_EVENT_NESTING)) {
    return rejectedAs(body.event_type, { reason: "invalid_envelope", detail: `properties nests deeper than ${MAX_EVENT_NESTING} levels` });
  }
  // Only a JSON \u escape can put U+0000 or a lone surrogate into a string (valid UTF-8 and JSON
  // text cannot hold them raw); PostgreSQL stores neither, so such a message would fail its
  // whole batch forever. Walked only when an escape is there at all.
  if (text.includes("\\u")) {
    const where = unstorableTextPath(body);
    if (where !== undefined) {
      return rejectedAs(body.event_type, { reason: "unstorable_text", detail: `${where || "envelope"} holds \\u0000 or a lone surrogate, which PostgreSQL cannot store` });
    }
  }
  // Falling back to the Kafka timestamp (never "now") keeps a re-delivered message identical.
  const timestamp = body.timestamp ? new Date(body.timestamp) : new Date(Number(message.timestamp));
  if (!isStorableTime(timestamp)) {
    return rejectedAs(body.event_type, { reason: "invalid_envelope", detail: `timestamp ${body.timestamp ?? `(Kafka's) ${message.timestamp}`} cannot be stored (years 0001 to 9999 UTC, no leap second)` });
  }
  const badTime = timeViolation(timestamp, receivedAt, options);
  if (badTime) return rejectedAs(body.event_type, { reason: badTime.reason, detail: `timestamp ${badTime.message}` });
  const properties = body.properties ?? {};
  const [badNumber] = numberViolations(properties, options);
  if (badNumber) return rejectedAs(body.event_type, { reason: badNumber.reason, detail: `${badNumber.field} ${badNumber.message}` });
  const typeProblem = types.check(body.event_type, properties);
  if (typeProblem) return rejectedAs(body.event_type, typeProblem);
  const { topic, partition, offset } = message.source;
  return {
    ok: true,
    event: {
      eventId: body.event_id ?? eventIdFromKafkaPosition(topic, partition, offset, options.derivedIdNamespace),
      eventType: body.event_type,
      userId: body.user_id ?? null,
      sessionId: body.session_id ?? null,
      ...(typeof body.service === "string" && { service: body.service }),
      properties,
      timestamp,
      receivedAt,
      source: message.source,
    },
  };
}

function rejectedAs(eventType: string, rejection: Rejection): ParseResult {
  return { ok: false, ...rejection, eventType };
}

/** The event_type of a message whose envelope is bad, when it is a valid type name. */
function claimedType(parsed: unknown): { eventType?: string } {
  const type = (parsed as { event_type?: unknown } | null)?.event_type;
  return typeof type === "string" && type.length <= EVENT_TYPE_MAX_LENGTH && EVENT_TYPE_PATTERN.test(type) ? { eventType: type } : {};
}
