import { type AnalyticsEvent, type Logger, REALTIME_TTL_SECONDS, realtimeKeys, type RedisClient } from "@trading-analytics/core";
import { realtimeIncrements } from "../domain/realtime-increments";

const WRITE_TIMEOUT_MS = 1000;

/**
 * Best-effort dashboard counters in Redis. Never awaited by the write path's success and
 * never throws: with Redis down, ingestion goes on and the counters simply miss updates.
 */
export class RealtimeCounters {
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  record(events: readonly AnalyticsEvent[]): void {
    if (events.length === 0 || !this.redis.isReady) return;
    void this.write(events).catch((error: Error) => this.warn(error));
  }

  /** Counts dead-lettered messages by rejection reason in the current minute (the dashboard's dead-letter panel). */
  recordDeadLetters(reasons: readonly string[], at = new Date()): void {
    if (reasons.length === 0 || !this.redis.isReady) return;
    const byReason = new Map<string, number>();
    for (const reason of reasons) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    const key = realtimeKeys.deadLetters(this.prefix, Math.floor(at.getTime() / 60_000));
    const multi = this.redis.multi();
    for (const [reason, n] of byReason) multi.hIncrBy(key, reason, n);
    multi.expire(key, REALTIME_TTL_SECONDS.perMinute);
    void withTimeout(multi.exec()).catch((error: Error) => this.warn(error));
  }

  private warn(error: Error): void {
    if (Date.now() - this.lastWarning > 30_000) {
      this.lastWarning = Date.now();
      this.logger.warn("real-time counters not updated", { error: error.message });
    }
  }

  private async write(events: readonly AnalyticsEvent[]): Promise<void> {
    const increments = realtimeIncrements(events);
    const multi = this.redis.multi();
    for (const [second, types] of increments.eventsPerSecond) {
      const key = realtimeKeys.eventsPerSecond(this.prefix, second);
      for (const [type, n] of types) multi.hIncrBy(key, type, n);
      multi.expire(key, REALTIME_TTL_SECONDS.perSecond);
    }
    for (const [minute, users] of increments.usersPerMinute) {
      const key = realtimeKeys.activeUsers(this.prefix, minute);
      multi.pfAdd(key, [...users]);
      multi.expire(key, REALTIME_TTL_SECONDS.perMinute);
    }
    for (const [minute, trading] of increments.tradingPerMinute) {
      const key = realtimeKeys.trading(this.prefix, minute);
      multi.hIncrBy(key, "orders_placed", trading.orders_placed);
      multi.hIncrBy(key, "orders_filled", trading.orders_filled);
      multi.hIncrByFloat(key, "filled_quantity", trading.filled_quantity);
      multi.hIncrByFloat(key, "filled_notional", trading.filled_notional);
      multi.expire(key, REALTIME_TTL_SECONDS.perMinute);
    }
    const strategies = realtimeKeys.activeStrategies(this.prefix);
    if (increments.strategiesStarted.size > 0) multi.sAdd(strategies, [...increments.strategiesStarted]);
    if (increments.strategiesStopped.size > 0) multi.sRem(strategies, [...increments.strategiesStopped]);
    await withTimeout(multi.exec());
  }
}

async function withTimeout(write: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([write, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("redis write timed out")), WRITE_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}
