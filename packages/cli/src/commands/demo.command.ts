import { Partitioners } from "kafkajs";
import { produceDemoTraffic, TradingFlow } from "@trading-analytics/core";
import { CommandFailed, EXIT } from "../cli-errors";
import { write } from "../command";
import { progressBar } from "../progress";
import { createCliKafka, loadCliConfig } from "../runtime";
import { type DemoCommand, expectedEvents } from "./demo.args";

const TYPE_TOPICS = ["order.events", "market.data", "user.actions", "trading.events"];

export async function executeDemo(command: DemoCommand): Promise<number> {
  const config = loadCliConfig();
  const kafka = createCliKafka(config, "demo");
  const topics = command.topic ? [command.topic] : TYPE_TOPICS;
  await assertTopicsExist(kafka, topics);

  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let stopping = false;
  const stop = () => (stopping = true);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const expected = expectedEvents(command);
  const bar =
    expected === undefined
      ? progressBar(0, "demo traffic: {value} events sent (Ctrl-C stops)")
      : progressBar(expected, "demo traffic |{bar}| {value}/{total} events  {percentage}%  eta {eta_formatted}");
  const started = Date.now();
  let sent = 0;
  try {
    sent = await produceDemoTraffic(producer, new TradingFlow({ seed: command.seed ?? Date.now(), startTime: new Date() }), {
      rate: command.rate,
      limit: command.events ?? Infinity,
      until: command.durationMs === undefined ? undefined : started + command.durationMs,
      topic: command.topic,
      stopped: () => stopping,
      onSent: (total) => bar.update(total),
    });
  } finally {
    bar.stop();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await producer.disconnect();
  }
  const seconds = (Date.now() - started) / 1000;
  write(`Sent ${sent} events in ${seconds.toFixed(1)} s (${(sent / Math.max(seconds, 0.001)).toFixed(0)}/s) to ${topics.join(", ")}.`);
  return EXIT.ok;
}

async function assertTopicsExist(kafka: ReturnType<typeof createCliKafka>, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) throw new CommandFailed(`topic${missing.length > 1 ? "s" : ""} ${missing.join(", ")} do${missing.length > 1 ? "" : "es"} not exist (start the stack, or pass --topic)`);
  } finally {
    await admin.disconnect();
  }
}
