import type { Express } from "express";
import type { Kafka } from "kafkajs";
import { databaseHealthCheck, kafkaHealthCheck, redisHealthCheck } from "../health-checks";
import { listen, type RunningServer } from "../http/http-server";
import type { Logger } from "../logger";
import { closeRedis, connectRedisInBackground, type RedisClient } from "../redis/redis-client";
import type { Sql } from "../repository/database";
import type { Service } from "./service";

/** The PostgreSQL pool: created connected-on-demand, so starting is a no-op; stopping ends it. */
export function databaseService(sql: Sql): Service {
  return {
    id: "database",
    start: () => undefined,
    stop: () => sql.end({ timeout: 5 }),
    healthcheck: () => databaseHealthCheck(sql),
  };
}

/** Redis, connected in the background: the app starts and stays up while Redis is away. */
export function redisService(redis: RedisClient, logger: Logger): Service {
  return {
    id: "redis",
    start: () => connectRedisInBackground(redis, logger),
    stop: () => closeRedis(redis),
    healthcheck: () => redisHealthCheck(redis),
  };
}

/** Kafka's health as /health reports it (non-critical: reads go on while the brokers are away); stopping closes its admin client. */
export function kafkaHealthService(kafka: Kafka): Service {
  const check = kafkaHealthCheck(kafka);
  return { id: "kafka-health", start: () => undefined, stop: () => check.close(), healthcheck: () => check };
}

export interface HttpServiceOptions {
  id?: string;
  /** Applied to the Node server once it listens (timeouts). */
  configure?: (server: RunningServer["server"]) => void;
}

/** An HTTP server for `app`; `port` is the one it listens on once started (0 picks a free one). */
export class HttpService implements Service {
  readonly id: string;
  private running: RunningServer | undefined;

  constructor(
    private readonly app: Express,
    private readonly host: string,
    private readonly configuredPort: number,
    private readonly options: HttpServiceOptions = {},
  ) {
    this.id = options.id ?? "http";
  }

  get port(): number {
    return this.running?.port ?? this.configuredPort;
  }

  async start(): Promise<void> {
    this.running = await listen(this.app, this.host, this.configuredPort);
    this.options.configure?.(this.running.server);
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }
}
