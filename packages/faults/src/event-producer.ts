import { randomUUID } from "node:crypto";
import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from "kafkajs";
import type { ProducedEvent } from "./reconcile";
import { errorMessage } from "@trading-analytics/core";

export const TOPIC = "trading.events";
const KEYS = 16;
const TICK_MS = 100;
/** One message in this many is invalid, so the dead letters have a known set to hold. */
const INVALID_EVERY = 97;

/** The invalid shapes the suite produces; each must end up in the dead-letter topic. */
export function invalidValue(n: number, time: string): Buffer {
  const json = (body: unknown) => Buffer.from(JSON.stringify(body));
  switch (n % 4) {
    case 0:
      return Buffer.from('{"event_type": "fault.tick", "user_id": ');
    case 1:
      return json({ event_id: randomUUID(), user_id: "u1", properties: {}, timestamp: time });
    case 2:
      return json({ event_type: "fault.tick", user_id: 42, timestamp: time });
    default:
      return json({ event_id: randomUUID(), event_type: "fault.tick", properties: { path: "/a\u0000b" }, timestamp: time });
  }
}

/**
 * A continuous producer of valid events with unique ids and per-key sequence numbers, with a
 * known invalid message now and then. A batch is retried until Kafka acknowledges it (so a
 * broker outage stalls production instead of losing it); only acknowledged events count.
 */
export class EventProducer {
  readonly produced: ProducedEvent[] = [];
  /** Invalid messages by key, with when Kafka acknowledged them. */
  readonly invalid: ProducedEvent[] = [];
  readonly sendErrors: string[] = [];
  private readonly producer: Producer;
  private readonly sequence = new Array<number>(KEYS).fill(0);
  private invalidCount = 0;
  private messageCount = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    brokers: string,
    private readonly ratePerSecond: number,
  ) {
    const kafka = new Kafka({ clientId: "faults-producer", brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.producer.disconnect();
  }

  private nextBatch(): { messages: Message[]; events: string[]; invalid: string[] } {
    const messages: Message[] = [];
    const events: string[] = [];
    const invalid: string[] = [];
    const time = new Date().toISOString();
    for (let i = 0; i < (this.ratePerSecond * TICK_MS) / 1000; i++) {
      this.messageCount++;
      if (this.messageCount % INVALID_EVERY === 0) {
        const key = `invalid-${this.invalidCount}`;
        messages.push({ key, value: invalidValue(this.invalidCount++, time) });
        invalid.push(key);
        continue;
      }
      const slot = this.messageCount % KEYS;
      const seq = ++this.sequence[slot]!;
      const id = randomUUID();
      const price = 100 + (seq % 50) / 4;
      messages.push({
        key: `k${slot}`,
        value: JSON.stringify({
          event_id: id,
          event_type: "fault.tick",
          user_id: `u${seq % 40}`,
          session_id: `s${slot}`,
          timestamp: time,
          properties: { key: `k${slot}`, seq, price, quantity: 1 + (seq % 7), latency_ms: seq % 13 },
        }),
      });
      events.push(id);
    }
    return { messages, events, invalid };
  }

  private async run(): Promise<void> {
    while (this.running) {
      const tickStart = Date.now();
      const batch = this.nextBatch();
      for (;;) {
        try {
          await this.producer.send({ topic: TOPIC, acks: -1, compression: CompressionTypes.None, messages: batch.messages });
          break;
        } catch (error) {
          this.sendErrors.push(errorMessage(error));
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      const ackedAt = Date.now();
      for (const id of batch.events) this.produced.push({ id, ackedAt });
      for (const key of batch.invalid) this.invalid.push({ id: key, ackedAt });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - tickStart))));
    }
  }
}
