import Ajv from "ajv";
import addFormats from "ajv-formats";
import { type AnalyticsEvent, eventIdFromKafkaPosition, type EventSource, type WireEvent } from "@trading-analytics/core";
import { envelopeSchema } from "./envelope.schema";
import type { EventTypeValidator } from "./event-type-validator";
import type { Rejection } from "./reject-reason";

export interface RawMessage {
  value: Buffer | null;
  /** Kafka message timestamp, milliseconds since the epoch, as kafkajs gives it. */
  timestamp: string;
  source: EventSource;
}

export interface ParseOptions {
  maxEventBytes: number;
  maxFutureSkewMs: number;
}

export type ParseResult = { ok: true; event: AnalyticsEvent } | ({ ok: false } & Rejection);

const ajv = new Ajv({ allErrors: false, strict: true });
addFormats(ajv, ["uuid", "date-time"]);
const validateEnvelope = ajv.compile<WireEvent>(envelopeSchema);
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Turns one Kafka message into an event, or says why it can never become one. Pure:
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
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "invalid_json", detail: (error as Error).message };
  }
  if (!validateEnvelope(body)) {
    const first = validateEnvelope.errors?.[0];
    const field = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, ".") : (first?.params as { missingProperty?: string })?.missingProperty ?? "";
    const detail = first?.keyword === "additionalProperties"
      ? `unknown field ${(first.params as { additionalProperty: string }).additionalProperty}`
      : `${field || "envelope"} ${first?.message ?? "is invalid"}`;
    return { ok: false, reason: "invalid_envelope", detail };
  }
  // Only a JSON \u escape can put U+0000 or a lone surrogate into a string (valid UTF-8 and JSON
  // text cannot hold them raw); PostgreSQL stores neither, so such a message would fail its
  // whole batch forever. Walked only when an escape is there at all.
  if (text.includes("\\u")) {
    const where = unstorableText(body, "");
    if (where !== undefined) {
      return { ok: false, reason: "unstorable_text", detail: `${where || "envelope"} holds \\u0000 or a lone surrogate, which PostgreSQL cannot store` };
    }
  }
  // Falling back to the Kafka timestamp (never "now") keeps a re-delivered message identical.
  const timestamp = body.timestamp ? new Date(body.timestamp) : new Date(Number(message.timestamp));
  if (timestamp.getTime() - receivedAt.getTime() > options.maxFutureSkewMs) {
    return { ok: false, reason: "timestamp_in_future", detail: `timestamp ${timestamp.toISOString()} is more than ${options.maxFutureSkewMs} ms ahead` };
  }
  const properties = body.properties ?? {};
  const typeProblem = types.check(body.event_type, properties);
  if (typeProblem) return { ok: false, ...typeProblem };
  const { topic, partition, offset } = message.source;
  return {
    ok: true,
    event: {
      eventId: body.event_id ?? eventIdFromKafkaPosition(topic, partition, offset),
      eventType: body.event_type,
      userId: body.user_id ?? null,
      sessionId: body.session_id ?? null,
      properties,
      timestamp,
      receivedAt,
      source: message.source,
    },
  };
}

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string or key PostgreSQL cannot store (NUL, lone surrogate), if any. */
function unstorableText(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return at;
    const found = unstorableText(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
