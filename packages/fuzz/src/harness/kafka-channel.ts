import { createHash } from "node:crypto";
import fc from "fast-check";
import { CompressionTypes, type KafkaMessage, type Producer } from "kafkajs";
import { KAFKA_CHANNEL } from "../fuzz-settings";
import { renderBody } from "../generators/hostile-bodies";
import { kafkaCase } from "../generators/kafka-cases";
import { type FuzzTally, preview } from "../report/fuzz-tally";
import { CHUNK, chunkSeed, freshIds } from "./case-seeds";
import { header, type Placement, produceAll, REJECT_REASONS } from "./kafka-fuzz";

/** What is remembered of a produced message: enough to recognise it, not its (maybe huge) bytes. */
export interface SentMessage {
  index: number;
  key: string;
  at: Placement;
  size: number;
  digest: string;
  shown: string;
  /** The event_id it claims, if it parses as an object with one: a repeated id is skipped by design. */
  eventId?: string;
}

const digest = (bytes: Buffer | null | undefined) => (bytes ? createHash("sha256").update(bytes).digest("hex") : "null");
const sourceOf = (at: Placement) => `${at.topic}/${at.partition}/${at.offset}`;

/** Every fifth message goes out under each codec: producers in the wild use all of them. */
const CODECS = [
  ["none", CompressionTypes.None],
  ["gzip", CompressionTypes.GZIP],
  ["snappy", CompressionTypes.Snappy],
  ["lz4", CompressionTypes.LZ4],
  ["zstd", CompressionTypes.ZSTD],
] as const;

/** Generates `count` raw messages (each with a unique key) and produces them over the topics, chunk by chunk. */
export async function produceKafkaCases(
  producer: Producer,
  topics: string[],
  partitions: number,
  seed: number,
  count: number,
  tally?: FuzzTally,
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (let chunk = 0; chunk * CHUNK < count; chunk++) {
    const cases = fc.sample(kafkaCase, { seed: chunkSeed(seed, KAFKA_CHANNEL, chunk), numRuns: Math.min(CHUNK, count - chunk * CHUNK) });
    const messages = cases.map(({ value }, i) => {
      const index = chunk * CHUNK + i;
      return { index, key: `fuzz-${seed}-${index}`, value: value ? renderBody(value, freshIds(seed, KAFKA_CHANNEL, index)) : null };
    });
    for (const [n, [codec, compression]] of CODECS.entries()) {
      const group = messages.filter(({ index }) => index % CODECS.length === n);
      if (group.length === 0) continue;
      const placements = await produceAll(producer, topics, partitions, group, compression);
      tally?.recordCompression(codec, group.length);
      group.forEach(({ index, key, value }, i) => {
        sent.push({ index, key, at: placements[i]!, size: value?.length ?? 0, digest: digest(value), shown: preview(value), eventId: claimedId(value) });
      });
    }
  }
  return sent;
}

function claimedId(value: Buffer | null): string | undefined {
  try {
    const parsed = JSON.parse(value?.toString("utf8") ?? "null") as { event_id?: unknown } | null;
    return typeof parsed?.event_id === "string" ? parsed.event_id : undefined;
  } catch {
    return undefined;
  }
}

/** What was stored: rows by source position, and the event ids among those claimed. */
export interface StoredState {
  sources: Set<string>;
  ids: Set<string>;
}

/**
 * Every produced message must be stored or dead-lettered, never both, and never neither unless
 * it repeats an event_id already stored (an exact duplicate is skipped by design). A dead letter
 * carries a known error_class, an error_message, the source position and the original key and
 * bytes. Tallies the outcome of each message and records a failure for each broken promise.
 */
export function reconcileKafka(sent: SentMessage[], stored: StoredState, letters: KafkaMessage[], tally: FuzzTally): void {
  const lettersBySource = new Map<string, KafkaMessage>();
  for (const letter of letters) {
    lettersBySource.set(`${header(letter, "source_topic")}/${header(letter, "source_partition")}/${header(letter, "source_offset")}`, letter);
  }
  tally.recordKafkaCases(KAFKA_CHANNEL, sent.length);
  const known = new Set<string>(REJECT_REASONS);
  for (const message of sent) {
    const source = sourceOf(message.at);
    const letter = lettersBySource.get(source);
    const fail = (problem: string) => tally.fail({ channel: KAFKA_CHANNEL, index: message.index, problem: `${problem} (${source}, key ${message.key})`, payload: message.shown });
    const isStored = stored.sources.has(source);
    if (isStored && letter) {
      tally.recordKafkaOutcome("stored and dead-lettered");
      fail("stored and dead-lettered");
    } else if (isStored) {
      tally.recordKafkaOutcome("stored");
    } else if (letter) {
      const reason = header(letter, "error_class") ?? "(no error_class)";
      tally.recordKafkaOutcome(`dead-lettered: ${reason}`);
      if (!known.has(reason)) fail(`dead-lettered with unknown error_class ${reason}`);
      if (!header(letter, "error_message")) fail("dead-lettered without an error_message");
      if (header(letter, "dead_letter_value_omitted") !== undefined) {
        // Too large for the dead-letter topic: a pointer, which must still say how large the original was.
        tally.recordKafkaOutcome("dead letter sent as a pointer");
        if (header(letter, "original_value_bytes") !== String(message.size)) fail(`pointer letter names ${header(letter, "original_value_bytes")} bytes, not ${message.size}`);
      } else {
        if (letter.key?.toString() !== message.key) fail(`dead letter has key ${letter.key?.toString()}`);
        if (digest(letter.value) !== message.digest) fail(`dead letter does not hold the original ${message.size} bytes`);
      }
    } else if (message.eventId !== undefined && stored.ids.has(message.eventId.toLowerCase())) {
      tally.recordKafkaOutcome("skipped: repeats a stored event_id");
    } else {
      tally.recordKafkaOutcome("neither stored nor dead-lettered");
      fail("neither stored nor dead-lettered");
    }
  }
}
