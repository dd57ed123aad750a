import { CompressionTypes, type Message, type Producer } from "kafkajs";
import type { TradingFlow } from "./trading-flow";

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
 * reached or `stopped()`; returns how many were sent. Both `analytics-demo-producer` and
 * `analytics demo` (packages/cli) run it.
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
