import { type GeneratedEvent, TradingFlow } from "@trading-analytics/core";
import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from "kafkajs";

const TICK_MS = 100;
/** Catching up after a slow send never puts more than this in one request. */
const MAX_MESSAGES_PER_SEND = 5_000;

/**
 * Demo trading traffic (core's TradingFlow, every event valid) sent to one topic at a steady
 * rate in 100 ms ticks, falling behind and catching up rather than dropping events. Counts
 * only what Kafka acknowledged; keeps no ids, so a long run costs no memory.
 */
export class SoakProducer {
  acknowledged = 0;
  sendErrors = 0;
  private readonly producer: Producer;
  private readonly flow = new TradingFlow({ seed: Date.now() % 2 ** 31 });
  private pending: GeneratedEvent[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    brokers: string,
    private readonly topic: string,
  ) {
    const kafka = new Kafka({ clientId: "soak-producer", brokers: [brokers], logLevel: logLevel.NOTHING });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** The next `n` events of the flow, timestamped now. */
  private take(n: number): Message[] {
    const now = new Date();
    const timestamp = now.toISOString();
    while (this.pending.length < n) this.pending.push(...this.flow.next(now));
    return this.pending.splice(0, n).map(({ key, event }) => ({ key, value: JSON.stringify({ ...event, timestamp }) }));
  }

  /** Sends `n` events as fast as Kafka takes them (the backlog that measures the maximum rate). */
  async sendBacklog(n: number): Promise<void> {
    for (let sent = 0; sent < n; sent += MAX_MESSAGES_PER_SEND) await this.send(this.take(Math.min(MAX_MESSAGES_PER_SEND, n - sent)));
  }

  /** One message, e.g. a freshness probe; resolves once Kafka acknowledged it. */
  async sendOne(message: Message): Promise<void> {
    await this.send([message]);
  }

  start(ratePerSecond: number): void {
    this.running = true;
    this.loop = this.run(ratePerSecond);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.producer.disconnect();
  }

  private async send(messages: Message[]): Promise<void> {
    for (;;) {
      try {
        await this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages });
        this.acknowledged += messages.length;
        return;
      } catch {
        this.sendErrors++;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async run(ratePerSecond: number): Promise<void> {
    const began = Date.now();
    let sent = 0;
    while (this.running) {
      const due = Math.floor(((Date.now() - began) / 1000) * ratePerSecond) - sent;
      if (due > 0) {
        const n = Math.min(due, MAX_MESSAGES_PER_SEND);
        await this.send(this.take(n));
        sent += n;
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  }
}
