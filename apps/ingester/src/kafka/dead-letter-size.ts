/** A v2 record's framing beyond its bytes (length, attributes, deltas, header counts), rounded up. */
const RECORD_OVERHEAD = 32;
/** A record batch's own header, which counts against the topic's max.message.bytes too. */
export const BATCH_OVERHEAD = 61;
/** Longest error message a pointer letter keeps. */
const MAX_POINTER_DETAIL = 1000;

export interface OutgoingLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Bytes one letter takes in a record batch (an upper bound). */
export function letterBytes({ key, value, headers }: OutgoingLetter): number {
  let bytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  for (const [name, text] of Object.entries(headers)) bytes += 10 + Buffer.byteLength(name) + Buffer.byteLength(text);
  return bytes;
}

/** Splits letters, in order, into sends each of which fits a record batch of maxBytes. */
export function chunkByBytes(letters: readonly OutgoingLetter[], maxBytes: number): OutgoingLetter[][] {
  const chunks: OutgoingLetter[][] = [];
  let current: OutgoingLetter[] = [];
  let size = BATCH_OVERHEAD;
  for (const letter of letters) {
    const bytes = letterBytes(letter);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = BATCH_OVERHEAD;
    }
    current.push(letter);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The letter without its key and value: its headers still say where the original is (source
 * topic, partition, offset) and why it was rejected, plus how large the value was.
 */
export function pointerLetter(letter: OutgoingLetter): OutgoingLetter {
  const { error_message: detail = "", ...headers } = letter.headers;
  return {
    key: null,
    value: null,
    headers: {
      ...headers,
      error_message: detail.length > MAX_POINTER_DETAIL ? `${detail.slice(0, MAX_POINTER_DETAIL)}…` : detail,
      dead_letter_value_omitted: "too_large",
      original_key_bytes: String(letter.key?.length ?? 0),
      original_value_bytes: String(letter.value?.length ?? 0),
    },
  };
}

/** Broker answers that the same request will never succeed, however often it is sent. */
const PERMANENT = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE", "INVALID_REQUEST"]);

/** The permanent produce error kafkajs threw (it wraps the broker's in `cause`), if it is one. */
export function permanentProduceError(error: unknown): string | undefined {
  for (let current = error as { type?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (typeof current.type === "string" && PERMANENT.has(current.type)) return current.type;
  }
  return undefined;
}

