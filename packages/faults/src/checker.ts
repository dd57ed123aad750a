import { DEFAULT_DIMENSIONS, DEFAULT_MEASURES } from "@trading-analytics/core";
import { auditRollups as auditRollupsAgainstSql } from "@trading-analytics/rollups";
import type { Sql } from "postgres";
import { Kafka, logLevel } from "kafkajs";

/** Rows per event id in the private database. */
export async function storedCounts(sql: Sql): Promise<Map<string, number>> {
  const rows = await sql<Array<{ event_id: string; n: number }>>`select id::text as event_id, count(*)::int as n from events group by id`;
  return new Map(rows.map((row) => [row.event_id, row.n]));
}

export async function storedTotal(sql: Sql): Promise<number> {
  const [row] = await sql<Array<{ n: number }>>`select count(*)::int as n from events`;
  return row!.n;
}

/** Every key in the dead-letter topic, read from the beginning up to its current end. */
export async function deadLetterKeys(brokers: string, topic: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: "faults-checker", brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const keys: string[] = [];
  if (remaining.size === 0) return keys;
  const consumer = kafka.consumer({ groupId: `faults-checker-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          keys.push(message.key?.toString("utf8") ?? "");
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return keys;
}

/** The aggregator's own audit (exact SQL over the stored events) with the plan it runs by default. */
export async function auditRollups(sql: Sql): Promise<{ rowsCompared: number; mismatches: unknown[] }> {
  return auditRollupsAgainstSql(sql, {
    intervals: ["1m", "5m", "15m", "1h", "1d"],
    dimensions: DEFAULT_DIMENSIONS,
    measures: DEFAULT_MEASURES,
    allowedLatenessMs: 24 * 3_600_000,
  });
}
