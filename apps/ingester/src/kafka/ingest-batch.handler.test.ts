import { randomUUID } from "node:crypto";
import type { EachBatchPayload, KafkaMessage } from "kafkajs";
import { Registry } from "prom-client";
import { createLogger, EventTypeValidator, type InsertResult } from "@trading-analytics/core";
import { createIngesterMetrics } from "@trading-analytics/metrics";
import type { CommittedChunk } from "../faults/kill-after-db-commit";
import type { DeadLetter, DeadLetterProducer } from "./dead-letter.producer";
import type { EventWriter, WriteRequest } from "./event-writer";
import { createIngestBatchHandler, type IngestBatchDeps } from "./ingest-batch.handler";

// The handler against a fake writer and a fake Kafka payload: the order of database writes,
// dead letters and offset commits is the whole of its exactly-once promise.

const TOPIC = "trading.events";
const PARTITION = 3;
const options = {
  batchSize: 2,
  maxEventBytes: 10_000,
  maxFutureSkewMs: 60_000,
  maxEventAgeMs: 30 * 86_400_000,
  measureProperties: new Set<string>(),
  derivedIdNamespace: "0c6e5c1e-7d43-4f7a-9a55-5d3f3cf1f0a2",
};

/** One turn of the event loop: enough for the handler to reach its next await. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function message(offset: number, value: string = JSON.stringify({ event_id: randomUUID(), event_type: "page.view" })): KafkaMessage {
  return { key: null, value: Buffer.from(value), timestamp: String(Date.now()), attributes: 0, offset: String(offset), headers: {} } as KafkaMessage;
}

const stored = (inserted: number, extra: Partial<InsertResult> = {}): InsertResult => ({ inserted, insertedByType: new Map([["page.view", inserted]]), ...extra });

interface PendingWrite {
  request: WriteRequest;
  resolve: (result: InsertResult | undefined) => void;
  reject: (error: Error) => void;
}

/** Records every step in one log, so a test can assert their order. */
interface HarnessOverrides {
  sendDeadLetters?: (letters: DeadLetter[]) => Promise<void>;
  afterDbCommit?: (chunk: CommittedChunk) => void;
}

function harness(messages: KafkaMessage[], overrides: HarnessOverrides = {}) {
  const log: string[] = [];
  const writes: PendingWrite[] = [];
  const letters: DeadLetter[][] = [];
  const state = { running: true, stale: false };
  const writer = {
    write(request: WriteRequest) {
      log.push(`write ${request.events.map((event) => event.source!.offset).join(",")}`);
      return new Promise<InsertResult | undefined>((resolve, reject) => writes.push({ request, resolve, reject }));
    },
  };
  const deadLetters = {
    async send(sent: DeadLetter[]) {
      log.push(`letters ${sent.map((letter) => `${letter.message.source.offset}:${letter.rejection.reason}`).join(",")}`);
      await overrides.sendDeadLetters?.(sent);
      letters.push(sent);
    },
  };
  const registry = new Registry();
  const deps: IngestBatchDeps = {
    writer: writer as unknown as EventWriter,
    deadLetters: deadLetters as unknown as DeadLetterProducer,
    metrics: createIngesterMetrics(registry),
    logger: createLogger({ level: "error", format: "json" }, "test"),
    eventTypes: () => new EventTypeValidator([], "accept"),
    ...(overrides.afterDbCommit && { afterDbCommit: overrides.afterDbCommit }),
  };
  const heartbeat = jest.fn(async () => undefined);
  const payload = {
    batch: { topic: TOPIC, partition: PARTITION, highWatermark: String(messages.length + 100), messages },
    heartbeat,
    isRunning: () => state.running,
    isStale: () => state.stale,
    resolveOffset: (offset: string) => log.push(`resolve ${offset}`),
    commitOffsetsIfNecessary: async (offsets: { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }) => {
      const [topic] = offsets.topics;
      expect(topic?.topic).toBe(TOPIC);
      expect(topic?.partitions.map((p) => p.partition)).toEqual([PARTITION]);
      log.push(`commit ${topic!.partitions[0]!.offset}`);
    },
  } as unknown as EachBatchPayload;
  const handle = createIngestBatchHandler(deps, options);
  return { log, writes, letters, state, heartbeat, registry, run: () => handle(payload) };
}

const commits = (log: readonly string[]) => log.filter((line) => line.startsWith("commit"));

describe("createIngestBatchHandler", () => {
  it("commits a chunk's offsets only once its write has resolved, at the offset after its last message", async () => {
    const h = harness([message(10), message(11)]);
    const done = h.run();
    await settle();
    expect(h.log).toEqual(["write 10,11"]);

    h.writes[0]!.resolve(stored(2));
    await done;
    expect(h.log).toEqual(["write 10,11", "commit 12", "resolve 11"]);
  });

  it("hands the next chunk to the writer while one is being stored, but commits in order", async () => {
    const h = harness([message(0), message(1), message(2), message(3)]);
    const done = h.run();
    await settle();
    expect(h.log).toEqual(["write 0,1", "write 2,3"]);

    // The later chunk is durable first: its offset must wait for the chunk before it.
    h.writes[1]!.resolve(stored(2));
    await settle();
    expect(commits(h.log)).toEqual([]);

    h.writes[0]!.resolve(stored(2));
    await done;
    expect(commits(h.log)).toEqual(["commit 2", "commit 4"]);
  });

  it("keeps at most two chunks submitted ahead of the last commit", async () => {
    const h = harness([0, 1, 2, 3, 4, 5].map((offset) => message(offset)));
    const done = h.run();
    await settle();
    expect(h.writes).toHaveLength(2);

    h.writes[0]!.resolve(stored(2));
    await settle();
    expect(commits(h.log)).toEqual(["commit 2"]);
    expect(h.writes).toHaveLength(3);

    h.writes[1]!.resolve(stored(2));
    h.writes[2]!.resolve(stored(2));
    await done;
    expect(commits(h.log)).toEqual(["commit 2", "commit 4", "commit 6"]);
  });

  it("never commits a chunk whose write was given up, nor any chunk after it", async () => {
    const h = harness([0, 1, 2, 3].map((offset) => message(offset)));
    const done = h.run();
    await settle();
    h.writes[1]!.resolve(stored(2));
    h.writes[0]!.resolve(undefined);
    await done;
    expect(h.log).toEqual(["write 0,1", "write 2,3"]);
  });

  it("commits nothing when a write fails, and lets the failure reach kafkajs", async () => {
    const h = harness([message(0), message(1)]);
    const done = h.run();
    await settle();
    h.writes[0]!.reject(new Error("connection reset"));
    await expect(done).rejects.toThrow("connection reset");
    expect(commits(h.log)).toEqual([]);
  });

  it("tells the writer its chunk is abandoned once the consumer stops or the partition moves", async () => {
    const h = harness([message(0)]);
    const done = h.run();
    await settle();
    const { abandoned, heartbeat } = h.writes[0]!.request;
    expect(abandoned()).toBe(false);
    h.state.stale = true;
    expect(abandoned()).toBe(true);
    h.state.stale = false;
    h.state.running = false;
    expect(abandoned()).toBe(true);
    // The writer keeps the group membership alive through the payload's own heartbeat.
    await heartbeat();
    expect(h.heartbeat).toHaveBeenCalled();
    h.writes[0]!.resolve(undefined);
    await done;
  });

  it("takes no new chunk once stopping, but commits the chunks already submitted when they are stored", async () => {
    const h = harness([0, 1, 2, 3, 4, 5].map((offset) => message(offset)));
    const done = h.run();
    await settle();
    h.state.running = false;
    h.writes[0]!.resolve(stored(2));
    h.writes[1]!.resolve(stored(2));
    for (let turn = 0; turn < 5; turn++) await settle();
    expect(h.writes).toHaveLength(2);
    await done;
    expect(commits(h.log)).toEqual(["commit 2", "commit 4"]);
  });

  it("sends what can never be stored as dead letters before writing the rest, and commits past both", async () => {
    const h = harness([message(7, "not json"), message(8)]);
    const done = h.run();
    await settle();
    expect(h.log).toEqual(["letters 7:invalid_json", "write 8"]);
    expect(commits(h.log)).toEqual([]);

    h.writes[0]!.resolve(stored(1));
    await done;
    expect(commits(h.log)).toEqual(["commit 9"]);
  });

  it("commits a chunk of dead letters only after its (empty) write resolved", async () => {
    const h = harness([message(4, "{"), message(5, '{"event_type": 5}')]);
    const done = h.run();
    await settle();
    expect(h.log).toEqual(["letters 4:invalid_json,5:invalid_envelope", "write "]);
    expect(h.writes[0]!.request.events).toEqual([]);
    h.writes[0]!.resolve(stored(0));
    await done;
    expect(commits(h.log)).toEqual(["commit 6"]);
  });

  it("retries dead letters the broker did not take, and gives the partition up without writing or committing once it is gone", async () => {
    const h = harness([message(0, "nope"), message(1)], {
      sendDeadLetters: async () => {
        h.state.stale = true; // a rebalance while the broker is down
        throw new Error("broker unreachable");
      },
    });
    const done = h.run();
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the first back-off
    expect(h.log).toEqual(["letters 0:invalid_json"]);
    await done;
    expect(h.letters).toEqual([]);
  });

  it("writes and commits once a retried dead-letter send succeeds", async () => {
    let failures = 1;
    const h = harness([message(0, "nope"), message(1)], {
      sendDeadLetters: async () => {
        if (failures-- > 0) throw new Error("broker unreachable");
      },
    });
    const done = h.run();
    while (h.writes.length === 0) await settle();
    h.writes[0]!.resolve(stored(1));
    await done;
    expect(h.log).toEqual(["letters 0:invalid_json", "letters 0:invalid_json", "write 1", "commit 2", "resolve 1"]);
    const transient = await h.registry.getSingleMetric("analytics_events_failed_total")!.get();
    expect(transient.values.find((v) => v.labels.reason === "transient")?.value).toBe(1);
  });

  it("letters an event whose id is stored with other content before committing its chunk", async () => {
    const taken = randomUUID();
    const h = harness([message(20), message(21, JSON.stringify({ event_id: taken, event_type: "page.view" }))]);
    const done = h.run();
    await settle();
    const first = h.writes[0]!.request.events[0]!.eventId;
    h.writes[0]!.resolve(stored(1, { insertedIds: new Set([first]), conflictingIds: new Set([taken]) }));
    await done;
    expect(h.log).toEqual(["write 20,21", "letters 21:duplicate_event_id", "commit 22", "resolve 21"]);
  });

  it("does not commit a chunk whose conflicting-id letters could not be sent before the partition was lost", async () => {
    const taken = randomUUID();
    const h = harness([message(20, JSON.stringify({ event_id: taken, event_type: "page.view" }))], {
      sendDeadLetters: async () => {
        h.state.running = false;
        throw new Error("broker unreachable");
      },
    });
    const done = h.run();
    await settle();
    h.writes[0]!.resolve(stored(0, { insertedIds: new Set(), conflictingIds: new Set([taken]) }));
    await done;
    expect(commits(h.log)).toEqual([]);
  });

  it("calls the after-commit hook between the database commit and the Kafka commit, for chunks that stored rows", async () => {
    const hooked: CommittedChunk[] = [];
    const h = harness([0, 1, 2, 3].map((offset) => message(offset)), {
      afterDbCommit: (chunk) => {
        hooked.push(chunk);
        h.log.push(`hook ${chunk.lastOffset}`);
      },
    });
    const done = h.run();
    await settle();
    h.writes[0]!.resolve(stored(2));
    h.writes[1]!.resolve(stored(0)); // a re-delivery: nothing new stored
    await done;
    expect(h.log).toEqual(["write 0,1", "write 2,3", "hook 1", "commit 2", "resolve 1", "commit 4", "resolve 3"]);
    expect(hooked).toEqual([{ topic: TOPIC, partition: PARTITION, lastOffset: "1", inserted: 2 }]);
  });

  it("counts stored events by type and the rest of a re-delivered chunk as duplicates", async () => {
    const h = harness([0, 1, 2].map((offset) => message(offset)));
    const done = h.run();
    await settle();
    h.writes[0]!.resolve(stored(1));
    h.writes[1]!.resolve(stored(1));
    await done;
    const ingested = await h.registry.getSingleMetric("analytics_events_ingested_total")!.get();
    expect(ingested.values).toEqual([{ labels: { topic: TOPIC, event_type: "page.view" }, value: 2 }]);
    const duplicates = await h.registry.getSingleMetric("analytics_duplicates_skipped_total")!.get();
    expect(duplicates.values[0]?.value).toBe(1);
  });
});
