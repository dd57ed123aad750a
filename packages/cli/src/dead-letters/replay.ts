import { type EventTypeValidator, parseMessage, type ParseOptions } from "@trading-analytics/core";
import type { DeadLetter } from "./dead-letter";

/** What replay does with one dead letter: re-publish it, skip a repeat, refuse its topic, or report it still failing. */
export type ReplayDecision =
  | { kind: "republish"; letter: DeadLetter; topic: string; partition: number | undefined; key: Buffer | null; value: Buffer; eventId: string; eventIdAdded: boolean }
  | { kind: "repeat"; letter: DeadLetter }
  | { kind: "refused"; letter: DeadLetter; topic: string }
  | { kind: "still_fails"; letter: DeadLetter; reason: string; detail: string };

/** Where replay may write. */
export interface ReplayTargets {
  /** The ingest topics (kafka.topics): a letter whose source_topic header names another is refused, since headers can be forged. */
  ingestTopics: ReadonlySet<string>;
  /** --to-topic: every letter that passes goes here instead, placed by its key. */
  toTopic?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Judges each dead letter again with the ingester's own rules (parseMessage) and the custom
 * definitions active now. One that passes is re-published to its source topic and partition
 * with its key (or to --to-topic), carrying the event_id its original position gave it (added
 * to the JSON when the producer sent none), so the ingester's dedup by event_id stores it at
 * most once however often it is replayed. Letters for a position already seen in this run are
 * repeats (the ingester may dead-letter a message twice when a batch is re-delivered). The
 * planner is fed batch after batch; it keeps only the positions seen.
 */
export function createReplayPlanner(receivedAt: Date, options: ParseOptions, types: EventTypeValidator, targets: ReplayTargets) {
  const seen = new Set<string>();
  const judge = (letter: DeadLetter): ReplayDecision => {
    const { source } = letter;
    if (!source) {
      return { kind: "still_fails", letter, reason: "no_source", detail: "no source_topic/source_partition/source_offset headers: its origin is unknown" };
    }
    if (targets.toTopic === undefined && !targets.ingestTopics.has(source.topic)) return { kind: "refused", letter, topic: source.topic };
    const position = `${source.topic}/${source.partition}/${source.offset}`;
    if (seen.has(position)) return { kind: "repeat", letter };
    seen.add(position);

    // The dead letter's own timestamp stands in for the original's (which it does not keep),
    // both here and on the re-published message, so both judge the event's time alike.
    const judged = parseMessage({ value: letter.value, timestamp: letter.timestamp, source }, receivedAt, options, types);
    if (!judged.ok) return { kind: "still_fails", letter, reason: judged.reason, detail: judged.detail };
    const eventId = judged.event.eventId;
    const value = withEventId(letter.value!, eventId);
    const target =
      targets.toTopic === undefined
        ? { topic: source.topic, partition: source.partition, key: letter.key }
        : { topic: targets.toTopic, partition: undefined, key: letter.key };
    if (value === letter.value) return { kind: "republish", letter, ...target, value, eventId, eventIdAdded: false };

    // With its event_id written in, the message must still pass (it is a little larger).
    const again = parseMessage({ value, timestamp: letter.timestamp, source }, receivedAt, options, types);
    if (!again.ok) return { kind: "still_fails", letter, reason: again.reason, detail: `with its event_id added: ${again.detail}` };
    return { kind: "republish", letter, ...target, value, eventId, eventIdAdded: true };
  };
  return (letters: readonly DeadLetter[]): ReplayDecision[] => letters.map(judge);
}

/** One batch judged by a fresh planner (tests, and callers with every letter in hand). */
export function planReplay(letters: readonly DeadLetter[], receivedAt: Date, options: ParseOptions, types: EventTypeValidator, targets: ReplayTargets): ReplayDecision[] {
  return createReplayPlanner(receivedAt, options, types, targets)(letters);
}

/**
 * The message with `event_id` set: the same bytes when it already carries one, else its JSON
 * with event_id added (JSON.parse then stringify: the ingester parses it the same way).
 */
export function withEventId(value: Buffer, eventId: string): Buffer {
  const body = JSON.parse(utf8.decode(value)) as Record<string, unknown>;
  if (typeof body.event_id === "string") return value;
  return Buffer.from(JSON.stringify({ ...body, event_id: eventId }));
}

export interface ReplaySummary {
  read: number;
  republish: number;
  repeats: number;
  /** Re-published per target topic. */
  byTopic: Record<string, number>;
  /** Refused per source topic named (not an ingest topic, and no --to-topic). */
  refused: Record<string, number>;
  /** Still failing per reason, with the first letter's detail as an example. */
  stillFailing: Record<string, { count: number; example: string }>;
}

export function emptyReplaySummary(): ReplaySummary {
  // refused is keyed by a header anyone can write ("__proto__" too): no prototype.
  return { read: 0, republish: 0, repeats: 0, byTopic: {}, refused: Object.create(null) as Record<string, number>, stillFailing: {} };
}

/** Adds a batch's decisions to the running summary. */
export function addToSummary(summary: ReplaySummary, decisions: readonly ReplayDecision[]): ReplaySummary {
  for (const decision of decisions) {
    summary.read++;
    if (decision.kind === "repeat") summary.repeats++;
    else if (decision.kind === "refused") summary.refused[decision.topic] = (summary.refused[decision.topic] ?? 0) + 1;
    else if (decision.kind === "republish") {
      summary.republish++;
      summary.byTopic[decision.topic] = (summary.byTopic[decision.topic] ?? 0) + 1;
    } else {
      const entry = (summary.stillFailing[decision.reason] ??= { count: 0, example: decision.detail });
      entry.count++;
    }
  }
  return summary;
}

export function summarizeReplay(decisions: readonly ReplayDecision[]): ReplaySummary {
  return addToSummary(emptyReplaySummary(), decisions);
}
