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
