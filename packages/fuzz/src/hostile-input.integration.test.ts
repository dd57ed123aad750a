import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Admin, KafkaMessage } from "kafkajs";
import {
  appMain,
  type AppProcess,
  waitFor,
  createTestDatabase,
  freePort,
  ingesterEnv,
  startAppProcess,
  testKafka,
  type TestDatabase,
  uniqueSuffix,
} from "@trading-analytics/core/testing";
import { casesPerChannel, fuzzSettings, KAFKA_CHANNEL } from "./fuzz-settings";
import { HTTP_CHANNELS } from "./generators/http-cases";
import { fuzzHttpChannel } from "./harness/http-fuzz";
import { prototypeProbe, sentinelEnv } from "./harness/prototype-probe";
import { produceKafkaCases, reconcileKafka, type SentMessage } from "./harness/kafka-channel";
import { readWholeTopic, storedIds, storedSources, waitUntilConsumed } from "./harness/kafka-fuzz";
import { renderFuzzReport } from "./report/fuzz-report";
import { FuzzTally } from "./report/fuzz-tally";

const INGESTER = appMain(require, "ingester");
const AGGREGATOR = appMain(require, "aggregator");
const QUERY_API = appMain(require, "query-api");
/** How soon an ordinary event posted after the fuzz must be in its 1m rollup. */
const FRESHNESS_TARGET_MS = 15_000;
/**
 * Room on the raw topics for messages past the ingester's 1 MiB limit (it must dead-letter
 * them); the HTTP and dead-letter topics keep the broker default, as in production.
 */
const BIG_TOPIC = { "max.message.bytes": String(16 * 1024 * 1024) };
const PARTITIONS = 3;

const settings = fuzzSettings();
const perChannel = casesPerChannel(settings.runs);
const tally = new FuzzTally();
const started = Date.now();

/**
 * Hostile input, property-based: generated requests against a real query-api process, generated
 * raw messages against a real ingester process, both on the real Kafka and PostgreSQL. Promises
 * checked: no 5xx, every 400 names a field, no prototype pollution inside either process (a
 * preloaded sentinel reports the built-in prototypes' changes on request), every message stored
 * or dead-lettered with a known reason, every event accepted over HTTP stored, and every process
 * still up and ready.
 *
 * `pnpm test` runs the short profile (1,000 cases, about 20 s); `pnpm test:fuzz` runs 10,000 and
 * writes reports/fuzz.md. Both use a fixed seed unless FUZZ_SEED says otherwise.
 */
describe("hostile input", () => {
  let db: TestDatabase;
  let admin: Admin;
  let topics: { http: string; raw: string[]; deadLetter: string; all: string[] };
  let ingester: AppProcess;
  let aggregator: AppProcess;
  let ingesterGroup: string;
  let queryApi: AppProcess;
  let apiPrototypes: () => Promise<string[]>;
  let ingesterPrototypes: () => Promise<string[]>;
  let agent: http.Agent;
  let port: number;
  let configDir: string;
  const accepted: string[] = [];
  let sent: SentMessage[] = [];

  beforeAll(async () => {
    console.log(`fuzz: seed ${settings.seed}, ${settings.runs} cases (replay with FUZZ_SEED=${settings.seed} FUZZ_RUNS=${settings.runs})`);
    const suffix = uniqueSuffix();
    db = await createTestDatabase("fuzz");
    admin = testKafka("fuzz-admin").admin();
    await admin.connect();
    const names = { http: `test.${suffix}.http`, raw: [`test.${suffix}.raw-a`, `test.${suffix}.raw-b`], deadLetter: `test.${suffix}.dead-letter` };
    topics = { ...names, all: [names.http, ...names.raw, names.deadLetter] };
    const big = Object.entries(BIG_TOPIC).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.http, numPartitions: PARTITIONS, replicationFactor: 1 },
        ...topics.raw.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: big })),
        // The broker's default message limit (1 MB): letters for the larger raw messages must go out as pointers.
        { topic: topics.deadLetter, numPartitions: 1, replicationFactor: 1 },
      ],
    });

    configDir = mkdtempSync(path.join(tmpdir(), "fuzz-"));
    writeFileSync(path.join(configDir, "config.yaml"), `redis:\n  key_prefix: "test:fuzz:${suffix}:"\n`);
    ingesterGroup = `test-fuzz-ingester-${suffix}`;
    const ingesterPort = await freePort();
    const env = ingesterEnv({
      databaseUrl: db.url,
      topics: [topics.http, ...topics.raw],
      deadLetterTopic: topics.deadLetter,
      port: ingesterPort,
      extra: { KAFKA_CONSUMER_GROUP: ingesterGroup, CONFIG_FILE: path.join(configDir, "config.yaml") },
    });
    const aggregatorPort = await freePort();
    [ingester, aggregator] = await Promise.all([
      startAppProcess(INGESTER, { ...env, ...sentinelEnv() }, ingesterPort),
      startAppProcess(AGGREGATOR, { ...env, AGGREGATOR_PORT: String(aggregatorPort) }, aggregatorPort),
    ]);

    // The query-api as operators run it, on this run's topics and Redis prefix. Rate limits off:
    // 10,000 requests from one address would otherwise mostly be 429s. max_results 1,000 keeps
    // the limit boundary where the generators probe it (limits from -5 to 20,000).
    const apiConfig = path.join(configDir, "query-api.yaml");
    writeFileSync(apiConfig, `redis:\n  key_prefix: "test:fuzz:${suffix}:"\nsecurity:\n  api_key_enabled: false\n  rate_limit:\n    enabled: false\nanalytics:\n  query:\n    max_results: 1000\n`);
    port = await freePort();
    queryApi = await startAppProcess(QUERY_API, { ...env, ...sentinelEnv(), CONFIG_FILE: apiConfig, SERVER_PORT: String(port), KAFKA_HTTP_TOPIC: topics.http }, port);
    apiPrototypes = prototypeProbe(queryApi);
    ingesterPrototypes = prototypeProbe(ingester);
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }, 120_000);

  afterAll(async () => {
    const report = renderFuzzReport(tally, { seed: settings.seed, runs: settings.runs, durationMs: Date.now() - started });
    if (process.env.FUZZ_REPORT) {
      mkdirSync(path.dirname(process.env.FUZZ_REPORT), { recursive: true });
      writeFileSync(process.env.FUZZ_REPORT, report);
    } else {
      console.log(report);
    }
    agent?.destroy();
    await queryApi?.stop("SIGTERM");
    await ingester?.stop("SIGTERM");
    await aggregator?.stop("SIGTERM");
    await admin?.deleteGroups([ingesterGroup]).catch(() => undefined);
    await admin?.deleteTopics({ topics: topics.all }).catch(() => undefined);
    await admin?.disconnect();
    await db?.drop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }, 120_000);

  const failuresOf = (channel: string) => tally.failures.filter((failure) => failure.channel === channel);

  it.each(HTTP_CHANNELS.map((channel) => [channel]))(
    "%s: no 5xx, a named field on every 400, prototypes untouched",
    async (channel) => {
      await fuzzHttpChannel(channel, perChannel.get(channel)!, { agent, port, seed: settings.seed, tally, accepted, prototypeChanges: apiPrototypes });
      expect(failuresOf(channel)).toEqual([]);
    },
    600_000,
  );

  it("stores or dead-letters every raw Kafka message, with a known reason and its original bytes", async () => {
    const producer = testKafka("fuzz-producer").producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      sent = await produceKafkaCases(producer, topics.raw, PARTITIONS, settings.seed, perChannel.get(KAFKA_CHANNEL)!, tally);
    } finally {
      await producer.disconnect();
    }
    const stuck = await waitUntilConsumed(admin, ingesterGroup, [topics.http, ...topics.raw], 30_000);
    tally.stalls += stuck.length;
    const letters = await readWholeTopic(admin, topics.deadLetter);
    const sources = await storedSources(db.sql, topics.raw);
    const claimed = sent.flatMap((message) => (message.eventId && /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(message.eventId) ? [message.eventId] : []));
    reconcileKafka(sent, { sources, ids: await storedIds(db.sql, claimed) }, letters, tally);
    expect({ stuck, retried: stuck.length > 0 ? ingesterRetries() : [] }).toEqual({ stuck: [], retried: [] });
    expect(failuresOf(KAFKA_CHANNEL)).toEqual([]);
    expect(lettersFromHttp(letters)).toEqual([]);
    const polluted = await ingesterPrototypes();
    if (polluted.length > 0) tally.fail({ channel: KAFKA_CHANNEL, index: -1, problem: `prototype pollution in the ingester: ${polluted.join(", ")}`, payload: "the whole channel" });
    expect(polluted).toEqual([]);
  }, 600_000);

  it("stores every event it answered 202 for", async () => {
    expect(await waitUntilConsumed(admin, ingesterGroup, [topics.http], 30_000)).toEqual([]);
    const found = await storedIds(db.sql, accepted);
    // Distinct ids: a client-chosen id posted twice is stored once, by design.
    tally.httpAccepted = new Set(accepted).size;
    tally.httpArrived = found.size;
    expect(accepted.filter((id) => !found.has(id))).toEqual([]);
  }, 120_000);

  it("keeps the API, the ingester and the aggregator up and ready", async () => {
    expect(queryApi.child.exitCode).toBeNull();
    expect(ingester.child.exitCode).toBeNull();
    expect(aggregator.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${ingester.port}/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${aggregator.port}/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
  });

  it("keeps the pipeline live: an ordinary event posted afterwards is in its 1m rollup within the freshness target", async () => {
    const eventType = `fuzz.liveness.${uniqueSuffix()}`.replace(/[^a-z0-9.]/g, "");
    const posted = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event_type: eventType, user_id: "fuzz-liveness", properties: { price: 101.5, quantity: 2, symbol: "LIVE" } }),
    });
    expect(posted.status).toBe(202);
    const since = Date.now();
    let live = false;
    try {
      await waitFor(
        async () => (await db.sql<{ n: number }[]>`select coalesce(sum(count), 0)::int as n from metric_rollups where metric_name = ${`events.count.${eventType}`} and interval = '1m'`)[0]!.n,
        (n) => n === 1,
        { timeoutMs: FRESHNESS_TARGET_MS, what: `the ${eventType} event in its 1m rollup` },
      );
      live = true;
    } finally {
      tally.pipelineLiveAfter = live;
      tally.freshnessMs = live ? Date.now() - since : null;
      tally.stalls += (live ? 0 : 1) + (aggregator.child.exitCode === null ? 0 : 1) + (ingester.child.exitCode === null ? 0 : 1);
    }
    expect(live).toBe(true);
  }, 60_000);

  /** Why partitions are stuck: the distinct errors of the ingester's write retries. */
  function ingesterRetries(): string[] {
    const errors = new Map<string, number>();
    for (const line of ingester.output().split("\n")) {
      if (!line.includes("batch write failed")) continue;
      const error = (JSON.parse(line) as { error?: string }).error ?? "?";
      errors.set(error, (errors.get(error) ?? 0) + 1);
    }
    return [...errors].map(([error, n]) => `${n}× ${error}`);
  }

  /**
   * Events the API accepted (202) but the ingester refused: the two validations disagree. A
   * client reusing an id with other content (the fuzz posts the nil UUID now and then) is the
   * exception: the API cannot know which copy lands first, and the later ones become
   * duplicate_event_id letters by design.
   */
  function lettersFromHttp(letters: KafkaMessage[]): string[] {
    return letters
      .filter((letter) => String(letter.headers?.source_topic) === topics.http && String(letter.headers?.error_class) !== "duplicate_event_id")
      .map((letter) => `${String(letter.headers?.error_class)}: ${String(letter.headers?.error_message)}`);
  }
});
