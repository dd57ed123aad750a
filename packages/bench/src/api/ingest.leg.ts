// Batch ingest: events/s through POST /api/v1/events/batch (batches of 1,000 from the load
// process), and the ceiling: the same events produced straight to Kafka by this process with
// the API's producer settings (idempotent, acks=all, one request in flight, keyed by user),
// as many sends in flight as the load has connections.
import { randomUUID } from "node:crypto";
import { type Kafka, type Message } from "kafkajs";
import { errorMessage, type WireEvent } from "@trading-analytics/core";
import { tradingTraffic } from "../shared/dataset";
import { messageCount } from "../shared/kafka-admin";
import { runLoadProcess } from "./load-client";
import type { LoadResult } from "./load-spec";
import { type CpuUse, cpuUseBetween, type KnownPids, sampleMachine } from "./machine-load";

export const BATCH_EVENTS = 1000;

export interface IngestLegOptions {
  baseUrl: string;
  kafka: Kafka;
  /** The topic the API produces to. */
  apiTopic: string;
  /** A topic for the direct producer, so each count is its own. */
  baselineTopic: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  pids: KnownPids;
}

export interface IngestResult {
  batchEvents: number;
  bodyBytes: number;
  http?: LoadResult & { eventsPerSecond: number; messagesInTopic: number };
  kafka?: { eventsPerSecond: number; events: number; seconds: number; inFlight: number; cpu: CpuUse };
  error?: string;
}

/** One batch of TradingFlow traffic as a client posts it: no event ids, so the API assigns new ones to every post. */
export function batchBody(now: Date): { body: string; events: WireEvent[] } {
  const start = new Date(now.getTime() - 10 * 60_000);
  const events = tradingTraffic(BATCH_EVENTS, 7, start, 100).map(({ event }) => {
    const { event_id: _id, ...posted } = event;
    return posted;
  });
  return { body: JSON.stringify({ events }), events };
}

export async function runIngestLeg(options: IngestLegOptions, log: (line: string) => void): Promise<IngestResult> {
  const { body, events } = batchBody(new Date());
  const result: IngestResult = { batchEvents: BATCH_EVENTS, bodyBytes: Buffer.byteLength(body) };
  try {
    const url = `${options.baseUrl}/api/v1/events/batch`;
    const headers = { "content-type": "application/json" };
    const check = await fetch(url, { method: "POST", headers, body });
    const answer = (await check.json()) as { accepted?: number };
    if (check.status !== 202 || answer.accepted !== BATCH_EVENTS) throw new Error(`POST /api/v1/events/batch answered ${check.status}: ${JSON.stringify(answer).slice(0, 500)}`);

    log(`ingest: POST batches of ${BATCH_EVENTS} (${(result.bodyBytes / 1024).toFixed(0)} KiB) at ${options.connections} connections for ${options.durationSeconds} s`);
    const load = await runLoadProcess({ url, method: "POST", headers, body, connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds, pids: options.pids });
    const messagesInTopic = await messageCount(options.kafka, options.apiTopic);
    result.http = { ...load, eventsPerSecond: load.perSecond * BATCH_EVENTS, messagesInTopic };
    log(`ingest: ${Math.round(result.http.eventsPerSecond).toLocaleString("en-US")} events/s over HTTP; Kafka baseline`);
    if (load.non2xx + load.errors + load.timeouts > 0) throw new Error(`failed posts: ${JSON.stringify({ statusCodes: load.statusCodes, errors: load.errors, timeouts: load.timeouts })}`);

    result.kafka = await produceDirectly(options, events);
    log(`ingest: ${Math.round(result.kafka.eventsPerSecond).toLocaleString("en-US")} events/s straight to Kafka`);
  } catch (error) {
    result.error = errorMessage(error);
  }
  return result;
}

/** The messages the API would produce for this batch: ids and times fixed, keyed by user. */
function asProduced(events: readonly WireEvent[]): Message[] {
  return events.map((event) => {
    const ready = { ...event, event_id: randomUUID(), timestamp: event.timestamp ?? new Date().toISOString() };
    return { key: ready.user_id ?? ready.session_id ?? ready.event_id, value: JSON.stringify(ready) };
  });
}

async function produceDirectly(options: IngestLegOptions, events: readonly WireEvent[]): Promise<NonNullable<IngestResult["kafka"]>> {
  const producer = options.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const send = () => producer.send({ topic: options.baselineTopic, acks: -1, messages: asProduced(events) });
    const sendFor = async (ms: number) => {
      let sent = 0;
      const deadline = performance.now() + ms;
      const worker = async () => {
        while (performance.now() < deadline) {
          await send();
          sent += events.length;
        }
      };
      await Promise.all(Array.from({ length: options.connections }, worker));
      return sent;
    };
    await sendFor(options.warmupSeconds * 1000);
    const before = sampleMachine();
    const started = performance.now();
    const sent = await sendFor(options.durationSeconds * 1000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUseBetween(before, sampleMachine(), seconds, options.pids);
    return { eventsPerSecond: sent / seconds, events: sent, seconds, inFlight: options.connections, cpu };
  } finally {
    await producer.disconnect();
  }
}
