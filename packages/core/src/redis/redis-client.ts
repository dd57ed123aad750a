import { createClient } from "redis";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { backoffDelay } from "../backoff";

export type RedisClient = ReturnType<typeof createRedis>;

/**
 * A node-redis client that reconnects forever with capped back-off and never throws from
 * its error event: Redis is a cache and counter store here, so its absence degrades, not kills.
 */
export function createRedis(redis: Config["redis"], logger: Logger) {
  const reconnectStrategy = (retries: number) => backoffDelay(retries, { baseMs: 100, maxMs: 5000 });
  const socket = { connectTimeout: redis.connect_timeout, reconnectStrategy };
  // Commands fail at once while disconnected instead of piling up in memory.
  const common = { disableOfflineQueue: true } as const;
  const client = redis.url
    ? createClient({ ...common, url: redis.url, socket })
    : createClient({
        ...common,
        socket: { ...socket, host: redis.host, port: redis.port },
        password: redis.password || undefined,
        database: redis.db,
      });
  let lastError = "";
  client.on("error", (error: Error) => {
    // One line per distinct error, not one per reconnect attempt.
    if (error.message !== lastError) logger.warn("redis error", { error: error.message });
    lastError = error.message;
  });
  client.on("ready", () => {
    if (lastError) logger.info("redis connection restored");
    lastError = "";
  });
  return client;
}

/** Starts connecting in the background; the app starts even while Redis is down. */
export function connectRedisInBackground(client: RedisClient, logger: Logger): void {
  client.connect().catch((error: Error) => logger.warn("redis not reachable yet", { error: error.message }));
}

export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.isOpen) await client.quit().catch(() => client.destroy());
}
