import type { EventSource } from "@trading-analytics/core";

/** A message of the dead-letter topic as the ingester wrote it (apps/ingester/src/kafka/dead-letter.producer.ts). */
export interface DeadLetter {
  /** Its own position in the dead-letter topic. */
  partition: number;
  offset: string;
  /** When it was dead-lettered: the Kafka timestamp, milliseconds since the epoch. */
  timestamp: string;
  /** The original message's key and bytes, untouched. */
  key: Buffer | null;
  value: Buffer | null;
  /** Header error_class: the reject reason (schema_violation, invalid_json, …). */
  reason: string;
  /** Header error_message: the detail. */
  message: string;
  /** Headers source_topic, source_partition, source_offset; undefined when missing or malformed. */
  source: EventSource | undefined;
}

export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** The fields of a consumed Kafka message this needs (kafkajs' KafkaMessage fits). */
export interface ConsumedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: KafkaHeaders;
}

export function deadLetterOf(partition: number, message: ConsumedMessage): DeadLetter {
  const headers = message.headers ?? {};
  return {
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    reason: header(headers, "error_class") ?? "unknown",
    message: header(headers, "error_message") ?? "",
    source: sourceOf(headers),
  };
}

function sourceOf(headers: KafkaHeaders): EventSource | undefined {
  const topic = header(headers, "source_topic");
  const partition = header(headers, "source_partition");
  const offset = header(headers, "source_offset");
  if (!topic || partition === undefined || offset === undefined) return undefined;
  if (!/^\d{1,9}$/.test(partition) || !/^\d{1,19}$/.test(offset)) return undefined;
  return { topic, partition: Number(partition), offset };
}

function header(headers: KafkaHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/**
 * The start of a value as one printable line: control characters escaped, cut at `max`
 * characters with "…", and bytes that are not UTF-8 shown as such.
 */
export function previewValue(value: Buffer | null, max = 160): string {
  if (value === null || value.length === 0) return "(empty)";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(value);
  } catch {
    return `(${value.length} bytes, not UTF-8) ${value.subarray(0, Math.ceil(max / 2)).toString("hex")}${value.length > max / 2 ? "…" : ""}`;
  }
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const line = text.replace(/[\u0000-\u001f\u007f]/g, (char) => (char === "\n" ? "\\n" : char === "\t" ? "\\t" : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function sourceText(source: EventSource | undefined): string {
  return source ? `${source.topic} partition ${source.partition} offset ${source.offset}` : "(no source headers)";
}
