export { type Backoff, backoffDelay } from "./backoff";
export { UsageError } from "./cli/usage-error";
export * from "./config";
export { countBy } from "./count-by";
export { errorMessage } from "./errors";
export * from "./health";
export * from "./health-checks";
export { createOpsApp } from "./http/ops-app";
export { listen, type RunningServer } from "./http/http-server";
export { opsRoutes, type OpsRoutesDeps } from "./http/ops.routes";
export { BatchConsumer, type BatchConsumerOptions } from "./kafka/batch-consumer";
export { createKafka } from "./kafka/kafka-client";
export { type CodecName, type CodecOptions, registerCompressionCodecs } from "./kafka/compression-codecs";
export { kafkaSecurity, type KafkaSecurity } from "./kafka/kafka-security";
export { type UndecodableBatch, undecodableBatchOf } from "./kafka/undecodable-batch";
export { createLogger, type Logger, withLogContext } from "./logger";
export { createMetricsRegistry } from "./metrics";
export * from "./models";
export { closeRedis, connectRedisInBackground, createRedis, type RedisClient } from "./redis/redis-client";
export { customEventsChangedChannel, dashboardMetricsKey, REALTIME_TTL_SECONDS, realtimeKeys, rollupsVersionKey } from "./redis/redis-keys";
export { publishCustomEventsChanged } from "./redis/custom-events-notifier";
export * from "./repository";
export {
  CustomEventDefinitionError,
  type CustomEventDefinitionErrorReason,
  type CustomEventDefinitionInput,
} from "./repository/custom-event-definitions.repository";
export { KILL_AFTER_DB_COMMIT_ENV, KILL_AFTER_DB_COMMIT_MARKER } from "./fault-injection";
export { GracefulShutdown } from "./shutdown";
export { handleUnhandledRejections } from "./unhandled-rejections";
export { type PeriodicJob, PeriodicTask, type PeriodicTaskOptions, type RunOutcome } from "./periodic-task";
export { type PeriodicTaskMetrics, periodicTaskMetrics } from "./periodic-task-metrics";
export * from "./service";
export { parseSampleLine, type PrometheusSample, sumSamples } from "./prometheus-text";
export * from "./demo";
export * from "./retention";
export * from "./rollups";
export * from "./validation";
