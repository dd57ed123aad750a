#!/usr/bin/env node
// Demo producer: publishes realistic trading traffic (orders and their fills, cancels and
// rejects, walking market prices, strategy signals, user sessions) to the platform's topics.
//   analytics-demo-producer [--rate 200] [--count N] [--seed 42]
import { parseArgs } from "node:util";
import { loadConfigOrExit } from "../config";
import { produceDemoTraffic, TradingFlow } from "../demo";
import { createKafka } from "../kafka/kafka-client";
import { createLogger } from "../logger";

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
