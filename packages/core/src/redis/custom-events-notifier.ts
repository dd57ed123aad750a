import type { RedisClient } from "./redis-client";
import { customEventsChangedChannel } from "./redis-keys";

/**
 * Tells running ingesters that custom event definitions changed, so they reload at once.
 * Best effort: with Redis down it returns false instead of throwing, and the ingesters'
 * fingerprint poll (schema_refresh_interval) picks the change up anyway.
 */
export async function publishCustomEventsChanged(redis: RedisClient, prefix: string): Promise<boolean> {
  try {
    await redis.publish(customEventsChangedChannel(prefix), String(Date.now()));
    return true;
  } catch {
    return false;
  }
}
