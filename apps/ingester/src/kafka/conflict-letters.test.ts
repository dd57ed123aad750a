import type { AnalyticsEvent } from "@trading-analytics/core";
import type { KafkaMessage } from "kafkajs";
import { conflictLetters } from "./ingest-batch.handler";

const event = (eventId: string, price: number): AnalyticsEvent => ({
  eventId,
  eventType: "custom.fill",
  userId: "u1",
  sessionId: null,
  properties: { price },
  timestamp: new Date("2026-12-07T10:00:00Z"),
  receivedAt: new Date("2026-12-07T10:00:01Z"),
  source: { topic: "t", partition: 0, offset: String(price) },
});
const chunkOf = (events: AnalyticsEvent[]) => ({
  events,
  messages: events.map((e) => ({ key: null, value: Buffer.from(JSON.stringify(e.properties)), timestamp: "0", offset: e.source!.offset, attributes: 0, headers: {} }) as KafkaMessage),
});

describe("conflictLetters", () => {
  it("letters every copy of an id stored before this chunk", () => {
    const chunk = chunkOf([event("a", 1), event("b", 2), event("a", 3)]);
    const letters = conflictLetters(chunk, { conflictingIds: new Set(["a"]), insertedIds: new Set(["b"]) });
    expect(letters.map((letter) => letter.message.source.offset)).toEqual(["1", "3"]);
    expect(letters.every((letter) => letter.rejection.reason === "duplicate_event_id")).toBe(true);
  });

  it("spares the first copy when this chunk stored the id, and letters the copies after it", () => {
    const chunk = chunkOf([event("a", 10), event("a", 11), event("a", 12)]);
    const letters = conflictLetters(chunk, { conflictingIds: new Set(["a"]), insertedIds: new Set(["a"]) });
    expect(letters.map((letter) => letter.message.source.offset)).toEqual(["11", "12"]);
  });
});
