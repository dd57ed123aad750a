// The adapters every command shares: configuration, logger, PostgreSQL, Redis and Kafka clients.
import { Kafka, logLevel } from "kafkajs";
import winston from "winston";
import {
  closeRedis,
  type Config,
  ConfigError,
  createRedis,
  createSql,
  errorMessage,
  kafkaSecurity,
  loadConfig,
  type Logger,
  type RedisClient,
  registerCompressionCodecs,
  type Sql,
} from "@trading-analytics/core";
import { CommandFailed, CONNECTION_CODES, DatabaseUnreachable } from "./cli-errors";

const CONFIG_HINT =
  "analytics reads the apps' configuration: CONFIG_FILE (else ./config.yaml) with overrides such as DATABASE_URL, REDIS_URL and KAFKA_BROKERS (docs/cli.md).";

/** The validated configuration, or exit 1 naming each bad key. */
export function loadCliConfig(): Config {
  try {
    return loadConfig().config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new CommandFailed(`${error.lines.join("\n")}\n${CONFIG_HINT}`);
  }
}

/**
 * Warnings and errors only, on stderr: stdout carries the command's output, which scripts read.
 * (The apps' logger writes every level to stdout.)
 */
export function createCliLogger(): Logger {
  return winston.createLogger({
    level: "warn",
    format: winston.format.printf(({ level, message, ...rest }) => {
      const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
      return `analytics: ${level}: ${String(message)}${extra}`;
    }),
    transports: [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })],
  });
}

export async function withSql<T>(config: Config, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = createSql(config.database, { applicationName: "analytics-cli", max: 2 });
  try {
    return await fn(sql);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) {
      throw new DatabaseUnreachable(`cannot use the database (database.* in the configuration, DATABASE_URL): ${errorMessage(error)}`);
    }
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * A kafkajs client that gives up after a few seconds: the apps' client (core's createKafka)
 * retries for minutes, right for a service and wrong for a command someone is waiting on. Its
 * own logs stay off; the error it finally throws is what the command reports.
 */
export function createCliKafka(config: Config, purpose: string): Kafka {
  registerCompressionCodecs({ maxDecompressedBatchBytes: config.kafka.max_decompressed_batch_bytes }); // letters the ingester wrote may be read back compressed by a broker setting
  return new Kafka({
    clientId: `${config.kafka.client_id}-cli-${purpose}`,
    brokers: config.kafka.brokers,
    ...kafkaSecurity(config.kafka),
    connectionTimeout: config.kafka.connection_timeout,
    retry: { initialRetryTime: 300, retries: 3 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Runs `fn` with a connected Redis client, or with undefined when Redis cannot be reached within
 * its connect_timeout: the commands that use Redis only announce changes, best effort.
 */
export async function withOptionalRedis<T>(config: Config, logger: Logger, fn: (redis: RedisClient | undefined) => Promise<T>): Promise<T> {
  const redis = createRedis(config.redis, logger);
  let timer: NodeJS.Timeout | undefined;
  const connected = await Promise.race([
    redis.connect().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), config.redis.connect_timeout))),
  ]);
  clearTimeout(timer);
  try {
    return await fn(connected ? redis : undefined);
  } finally {
    if (connected) await closeRedis(redis);
    else if (redis.isOpen) redis.destroy(); // stops the reconnect loop
  }
}
