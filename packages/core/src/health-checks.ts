import type { Admin, Kafka } from "kafkajs";
import type { HealthCheck } from "./health";
import type { RedisClient } from "./redis/redis-client";
import type { Sql } from "./repository/database";

export function databaseHealthCheck(sql: Sql): HealthCheck {
  return {
    name: "database",
    critical: true,
    check: async () => {
      await sql`select 1`;
    },
  };
}

/** Redis holds caches and counters only, so by default its loss degrades rather than fails. */
export function redisHealthCheck(redis: RedisClient, critical = false): HealthCheck {
  return {
    name: "redis",
    critical,
    check: async () => {
      if (!redis.isReady) throw new Error("not connected");
      await redis.ping();
    },
  };
}

/**
 * Kafka answers metadata requests (one admin connection, opened on first use and reused).
 * Not critical by default: an API can still serve reads while Kafka is away.
 */
export function kafkaHealthCheck(kafka: Kafka, critical = false): HealthCheck & { close(): Promise<void> } {
  let admin: Admin | undefined;
  let connected: Promise<void> | undefined;
  return {
    name: "kafka",
    critical,
    check: async () => {
      admin ??= kafka.admin();
      connected ??= admin.connect().catch((error: Error) => {
        connected = undefined;
        throw error;
      });
      await connected;
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error("no brokers in the cluster metadata");
    },
    close: async () => {
      if (connected) await admin?.disconnect().catch(() => undefined);
    },
  };
}
