#!/usr/bin/env node
// Demo producer: publishes realistic trading traffic (orders and their fills, cancels and
// rejects, walking market prices, strategy signals, user sessions) to the platform's topics.
//   analytics-demo-producer [--rate 200] [--count N] [--seed 42]
import { parseArgs } from "node:util";
import { CompressionTypes, type Message, type Producer } from "kafkajs";
import { loadConfigOrExit } from "../config";
import { TradingFlow } from "../demo";
import { createKafka } from "../kafka/kafka-client";
import { createLogger } from "../logger";

const TICK_MS = 100;

export interface DemoTrafficOptions {
  /** Events per second. */
  rate: number;
  /** Stop after this many events; Infinity for no limit. */
  limit: number;
  /** Stop at this time (ms since the epoch); default no limit. */
  until?: number;
  /** Send every event to this topic instead of its type's (order.events, market.data, …). */
  topic?: string;
  /** Checked every tick: true stops the traffic (SIGINT, SIGTERM). */
  stopped?: () => boolean;
  /** Called after every batch with the running total. */
  onSent?: (sent: number) => void;
}

/**
 * Sends the flow's events at `rate` per second, one batch per 100 ms tick, until a limit is
 * reached or `stopped()`; returns how many were sent. `analytics demo` (packages/cli) runs it too.
 */
export async function produceDemoTraffic(producer: Pick<Producer, "sendBatch">, flow: TradingFlow, options: DemoTrafficOptions): Promise<number> {
  const { rate, limit, until = Infinity, stopped = () => false } = options;
  let sent = 0;
  let owed = 0;
  while (!stopped() && sent < limit && Date.now() < until) {
    const tickStart = Date.now();
    owed += (rate * TICK_MS) / 1000;
    const byTopic = new Map<string, Message[]>();
    while (owed >= 1 && sent < limit) {
      for (const { topic, key, event } of flow.next(new Date())) {
        if (sent >= limit) break;
        const target = options.topic ?? topic;
        const messages = byTopic.get(target) ?? [];
        messages.push({ key, value: JSON.stringify(event) });
        byTopic.set(target, messages);
        sent++;
        owed--;
      }
    }
    if (byTopic.size > 0) {
      await producer.sendBatch({
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      options.onSent?.(sent);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - tickStart))));
  }
  return sent;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rate: { type: "string", default: "200" }, count: { type: "string" }, seed: { type: "string" } },
  });
  const rate = Number(values.rate);
  const limit = values.count === undefined ? Infinity : Number(values.count);
  if (!(rate > 0) || !(limit > 0)) throw new Error("--rate and --count must be positive numbers");

  const { config } = loadConfigOrExit();
  const logger = createLogger(config.logging, "demo-producer");
  const producer = createKafka(config.kafka, logger, `${config.kafka.client_id}-demo`).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const flow = new TradingFlow({ seed: values.seed === undefined ? Date.now() : Number(values.seed), startTime: new Date() });

  let sent = 0;
  let stopping = false;
  const stop = () => (stopping = true);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  logger.info("demo producer started", { rate_per_s: rate, brokers: config.kafka.brokers });
  const report = setInterval(() => logger.info("demo traffic", { sent }), 10_000);
  sent = await produceDemoTraffic(producer, flow, { rate, limit, stopped: () => stopping, onSent: (total) => (sent = total) });
  clearInterval(report);
  await producer.disconnect();
  logger.info("demo producer stopped", { sent });
}

// Run as a program, not when imported.
if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`demo producer failed: ${error.message}\n`);
    process.exit(1);
  });
}
