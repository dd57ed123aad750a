#!/usr/bin/env node
// Waits until a Kafka broker really serves clients, creates the application topics if
// they are missing, then proves produce AND fetch work with a round trip through a
// `_readiness` topic. Exit 0 when ready; non-zero with a clear message otherwise.
// An open port is not enough: a fresh KRaft broker accepts TCP before it has a
// controller/leaders, and the first consumer group needs __consumer_offsets created.
//
// Env:
//   KAFKA_BROKERS          comma separated, default 127.0.0.1:9092
//   KAFKA_TOPICS           comma separated, default the apps' kafka.topics: trading.events,market.data,order.events,user.actions,user-events
//   KAFKA_DLQ_TOPIC        default analytics.dead-letter (always created as well)
//   KAFKA_PARTITIONS       partitions for created topics, default 6
//   KAFKA_READY_TIMEOUT    seconds for the whole run, default 60
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const list = (value, fallback) =>
  (value || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const brokers = list(process.env.KAFKA_BROKERS, '127.0.0.1:9092');
const topics = [
  ...new Set([
    ...list(process.env.KAFKA_TOPICS, 'trading.events,market.data,order.events,user.actions,user-events'),
    process.env.KAFKA_DLQ_TOPIC || 'analytics.dead-letter',
  ]),
];
const partitions = Number(process.env.KAFKA_PARTITIONS || 6);
const timeoutMs = Number(process.env.KAFKA_READY_TIMEOUT || 60) * 1000;
const READINESS_TOPIC = '_readiness';

// kafkajs logs are buffered and only printed when we fail.
const logs = [];
const kafka = new Kafka({
  clientId: 'infra-provision',
  brokers,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
  logLevel: logLevel.WARN,
  logCreator:
    () =>
    ({ label, log }) => {
      logs.push(`${label} ${log.message}${log.error ? ` (${log.error})` : ''}`);
      if (logs.length > 40) logs.shift();
    },
});

function fail(message) {
  if (logs.length) console.error(`kafkajs log (last ${logs.length}):\n  ${logs.join('\n  ')}`);
  console.error(`kafka-provision: ${message}`);
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
let stage = 'connecting (metadata request)';
setTimeout(
  () => fail(`broker ${brokers.join(',')} not ready within ${timeoutMs / 1000}s; stuck at: ${stage}`),
  timeoutMs,
).unref();

async function connectAdmin() {
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics(); // a metadata round trip, not just a TCP connect
      return admin;
    } catch (err) {
      logs.push(`waiting for broker: ${err.message}`);
      await admin.disconnect().catch(() => {});
      await sleep(500);
    }
  }
}

async function ensureTopics(admin) {
  const existing = new Set(await admin.listTopics());
  const wanted = [
    ...topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    {
      topic: READINESS_TOPIC,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: String(60 * 60 * 1000) }],
    },
  ];
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length) await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((t) => t.topic).filter((t) => t !== READINESS_TOPIC);
}

async function roundTrip(admin) {
  const value = `ready-${randomUUID()}`;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const [meta] = await producer.send({ topic: READINESS_TOPIC, acks: -1, messages: [{ value }] });
  await producer.disconnect();

  // Throwaway group, no commits; seek straight to the offset we just produced.
  const groupId = `infra-readiness-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let received;
  const got = new Promise((resolve) => (received = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic: READINESS_TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (message.value?.toString() === value) received();
    },
  });
  consumer.seek({ topic: READINESS_TOPIC, partition: meta.partition, offset: meta.baseOffset });
  await got;
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => {}); // best effort tidy-up
}

try {
  const admin = await connectAdmin();
  stage = 'creating topics';
  const created = await ensureTopics(admin);
  stage = `produce+fetch round trip on ${READINESS_TOPIC}`;
  const t0 = Date.now();
  await roundTrip(admin);
  await admin.disconnect();
  console.log(
    `kafka ${brokers.join(',')} ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
      `${topics.length} topics (${created.length ? `created ${created.join(', ')}` : 'all existed'}), ` +
      `produce+fetch round trip ${Date.now() - t0}ms`,
  );
  process.exit(0);
} catch (err) {
  fail(err.stack || String(err));
}
