// The clock and output buffer of the step being generated, shared by every part of the flow so
// their events land in one list, in the order they happen, with ids from the one seeded generator.
import { type KnownEventProperties, type KnownEventType, topicForEventType, type WireEvent } from "../models";
import type { SeededRandom } from "./random";

export interface GeneratedEvent {
  topic: string;
  /** Kafka key: order_id, symbol, user_id, strategy_id or position_id, so related events share a partition. */
  key: string;
  event: WireEvent;
}

/** Who an event is attributed to; events without one are system events (ticks, strategies). */
export interface Actor {
  userId: string;
  sessionId: string | null;
}

// "000Z" … "999Z": with the second's prefix cached, formatting a timestamp is one concatenation.
const MILLIS_SUFFIXES = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, "0")}Z`);

export class EventSink {
  /** Index of the step being generated; orders are scheduled in steps, not milliseconds. */
  step = 0;
  nowMs = 0;
  private nowIso = "";
  /** toISOString() costs more than generating a step, so the "YYYY-MM-DDTHH:MM:SS." part is reused. */
  private isoSecond = NaN;
  private isoPrefix = "";
  private out: GeneratedEvent[] = [];

  constructor(private readonly random: SeededRandom) {}

  /** Points the sink at the next step: its index, time and the list its events are appended to. */
  begin(step: number, nowMs: number, out: GeneratedEvent[]): void {
    this.out = out;
    this.nowMs = nowMs;
    this.nowIso = this.formatTimestamp(nowMs);
    this.step = step;
  }

  emit<T extends KnownEventType>(type: T, key: string, properties: KnownEventProperties[T], actor?: Actor): void {
    const event: WireEvent = actor
      ? {
          event_id: this.random.uuid(),
          event_type: type,
          user_id: actor.userId,
          session_id: actor.sessionId,
          properties: properties as unknown as Record<string, unknown>,
          timestamp: this.nowIso,
        }
      : {
          event_id: this.random.uuid(),
          event_type: type,
          properties: properties as unknown as Record<string, unknown>,
          timestamp: this.nowIso,
        };
    this.out.push({ topic: topicForEventType(type), key, event });
  }

  private formatTimestamp(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    }
    return this.isoPrefix + MILLIS_SUFFIXES[ms - second * 1000]!;
  }
}
