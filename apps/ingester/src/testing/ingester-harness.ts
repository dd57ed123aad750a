import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Admin, KafkaMessage, Producer } from "kafkajs";
import {
  type AppProcess,
  createTestDatabase,
  freePort,
  ingesterEnv,
  startAppProcess,
  testKafka,
  type TestDatabase,
  uniqueSuffix,
  waitFor,
} from "@trading-analytics/core/testing";

export const INGESTER_MAIN = path.resolve(__dirname, "../../dist/main.js");
/** The entry point with the fault hooks wired in (dist/main.js wires none): for replicas given an INGESTER_FAULT_* variable. */
const INGESTER_WITH_FAULTS = path.resolve(__dirname, "../../dist/faults/main-with-faults.js");

/**
 * A 6 s session (the broker's minimum) so a SIGKILLed replica leaves the group quickly, and a
 * 1 s heartbeat so live replicas notice a rebalance quickly.
 */
const FAST_GROUP_CONFIG = "  session_timeout: 6s\n  heartbeat_interval: 1s\n";

export interface HarnessOptions {
  /** Database name prefix (the name always contains _test_). */
  prefix: string;
  partitions?: number;
  /** Topic-level broker config for the source and dead-letter topics (e.g. max.message.bytes). */
  topicConfig?: Record<string, string>;
  /** YAML appended to the replicas' config file, e.g. an `analytics.ingestion` section. */
  config?: string;
  /** Keys of the `kafka` section, as indented YAML lines (the section also holds the fast-group keys). */
  kafkaConfig?: string;
  /** Short Kafka sessions (default); false keeps the production defaults (30 s session, 3 s heartbeat). */
  fastGroup?: boolean;
}

export interface TestEvent {
  id: string;
  partition: number;
  value: string;
}

/** `count` valid order.placed events with distinct ids, spread round-robin over `partitions`. */
export function makeEvents(count: number, partitions: number): TestEvent[] {
  const time = Date.now() - 60_000;
  return Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const event = {
      event_id: id,
      event_type: "order.placed",
      user_id: `user-${i % 50}`,
      properties: { order_id: `o-${i}`, symbol: "BTCUSDT", side: i % 2 ? "SELL" : "BUY", order_type: "LIMIT", price: 50_000 + (i % 100), quantity: 0.1 },
      // Distinct times over a few seconds; a fixed time keeps a re-delivered copy identical.
      timestamp: new Date(time + (i % 5000)).toISOString(),
    };
    return { id, partition: i % partitions, value: JSON.stringify(event) };
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One isolated ingester deployment for a test: its own database, source topic, dead-letter
 * topic and consumer group, and any number of replicas sharing that group.
 */
export class IngesterHarness {
  readonly replicas: AppProcess[] = [];
  readonly groupId = `test-ingester-${uniqueSuffix()}`;

  private constructor(
    readonly db: TestDatabase,
    readonly topic: string,
    readonly deadLetterTopic: string,
    readonly partitions: number,
    private readonly configDir: string,
    private readonly admin: Admin,
    readonly producer: Producer,
  ) {}

  static async create({ prefix, partitions = 3, topicConfig = {}, config = "", kafkaConfig = "", fastGroup = true }: HarnessOptions): Promise<IngesterHarness> {
    const suffix = uniqueSuffix();
    const topic = `test.${suffix}.events`;
    const deadLetterTopic = `test.${suffix}.dead-letter`;
    const admin = testKafka("analytics-tests-admin").admin();
    await admin.connect();
    const configEntries = Object.entries(topicConfig).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: partitions, replicationFactor: 1, configEntries },
        { topic: deadLetterTopic, numPartitions: 1, replicationFactor: 1, configEntries },
      ],
    });
    const db = await createTestDatabase(prefix);
    const configDir = mkdtempSync(path.join(tmpdir(), "ingester-harness-"));
    // Its own Redis namespace, so its real-time counters and definition reloads stay its own.
    const redis = `redis:\n  key_prefix: "test:${suffix}:"\n`;
    const kafka = (fastGroup ? FAST_GROUP_CONFIG : "") + kafkaConfig;
    writeFileSync(path.join(configDir, "config.yaml"), redis + (kafka === "" ? "" : `kafka:\n${kafka}`) + config);
    const producer = testKafka("analytics-tests-producer").producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new IngesterHarness(db, topic, deadLetterTopic, partitions, configDir, admin, producer);
  }

  /**
   * Starts one more replica in the group and waits for its /ready. A replica given an
   * INGESTER_FAULT_* variable starts from the fault suite's entry point unless `entry` says "main".
   */
  async startReplica(extra: Record<string, string> = {}, entry?: "main" | "main-with-faults"): Promise<AppProcess> {
    const port = await freePort();
    const env = ingesterEnv({
      databaseUrl: this.db.url,
      topics: [this.topic],
      deadLetterTopic: this.deadLetterTopic,
      port,
      extra: { KAFKA_CONSUMER_GROUP: this.groupId, CONFIG_FILE: path.join(this.configDir, "config.yaml"), ...extra },
    });
    const armed = entry ? entry === "main-with-faults" : Object.keys(extra).some((name) => name.startsWith("INGESTER_FAULT_"));
    const replica = await startAppProcess(armed ? INGESTER_WITH_FAULTS : INGESTER_MAIN, env, port);
    this.replicas.push(replica);
    return replica;
  }

  async produce(events: TestEvent[], chunk = 5000): Promise<void> {
    for (let start = 0; start < events.length; start += chunk) {
      const messages = events.slice(start, start + chunk).map(({ value, partition }) => ({ value, partition }));
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    }
  }

  /** Sends one message and returns the offset it got. */
  async produceOne(value: string | Buffer, partition = 0, timestamp?: number): Promise<string> {
    const [meta] = await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ value, partition, ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }) }],
    });
    return meta!.baseOffset!;
  }

  async counts(): Promise<{ rows: number; distinct: number }> {
    const [row] = await this.db.sql<{ rows: number; distinct: number }[]>`
      select count(*)::int as rows, count(distinct id)::int as distinct from events`;
    return row!;
  }

  /** Ids of `expected` that are not stored. */
  async missing(expected: Iterable<string>): Promise<string[]> {
    const rows = await this.db.sql<{ id: string }[]>`select id::text as id from events`;
    const stored = new Set(rows.map((row) => row.id));
    return [...expected].filter((id) => !stored.has(id));
  }

  waitForRows(predicate: (rows: number) => boolean, what: string, timeoutMs = 30_000, intervalMs = 100) {
    return waitFor(async () => (await this.counts()).rows, predicate, { timeoutMs, intervalMs, what });
  }

  /** Offsets the group has committed, by partition (-1 when none). */
  async committedOffsets(): Promise<Map<number, bigint>> {
    const [topic] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    return new Map((topic?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  }

  /** The topic's end (high watermark) offsets, by partition. */
  async endOffsets(topic = this.topic): Promise<Map<number, bigint>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
  }

  /** Waits until the group has committed every message of the topic: nothing left in flight. */
  async waitUntilCaughtUp(timeoutMs = 30_000): Promise<void> {
    const end = await this.endOffsets();
    await waitFor(
      () => this.committedOffsets(),
      (committed) => [...end].every(([partition, offset]) => committed.get(partition) === offset),
      { timeoutMs, intervalMs: 200, what: `group ${this.groupId} to commit up to the end of ${this.topic}` },
    );
  }

  /** Every message on the dead-letter topic up to its current end. */
  async readDeadLetters(timeoutMs = 20_000): Promise<KafkaMessage[]> {
    const end = await this.endOffsets(this.deadLetterTopic);
    const expected = [...end.values()].reduce((sum, offset) => sum + Number(offset), 0);
    const messages: KafkaMessage[] = [];
    if (expected === 0) return messages;
    const consumer = testKafka().consumer({ groupId: `test-dlq-reader-${uniqueSuffix()}`, maxBytesPerPartition: 16 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.deadLetterTopic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(async () => messages.length, (n) => n >= expected, { timeoutMs, what: `${expected} dead letters` });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }

  /** Stored rows by Kafka partition they came from. */
  async rowsByPartition(): Promise<Map<number, bigint>> {
    const rows = await this.db.sql<{ partition: number; n: string }[]>`
      select source_partition as partition, count(*)::text as n from events group by source_partition`;
    return new Map(rows.map((row) => [row.partition, BigInt(row.n)]));
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.stop("SIGKILL")));
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin.deleteTopics({ topics: [this.topic, this.deadLetterTopic] }).catch(() => undefined);
    await this.admin.disconnect();
    await this.db.drop();
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

/** Sum of every series of a Prometheus counter on a replica's /metrics. */
export async function scrapeCounter(replica: AppProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** The partitions a replica got in its latest group join, from its "joined consumer group" log line (needs LOG_LEVEL=info). */
export function latestAssignment(replica: AppProcess): number[] | undefined {
  let latest: number[] | undefined;
  for (const line of replica.output().split("\n")) {
    if (!line.includes("joined consumer group")) continue;
    try {
      const entry = JSON.parse(line) as { assignment?: Record<string, number[]> };
      latest = Object.values(entry.assignment ?? {}).flat();
    } catch {
      // a line cut by the pipe; the next join line will do
    }
  }
  return latest;
}
