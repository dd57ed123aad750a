export { createSql, type Sql, type SqlOptions, type SqlTransaction } from "./database";
export { type EventQuery, EventsRepository, type InsertResult } from "./events.repository";
export type { EventPageText } from "./event-view-json";
export { checksumOf, type MigrationFile, parseMigrationFileName, planMigrations } from "./migration-plan";
export { defaultMigrationsDir, readMigrationFiles, runMigrations } from "./migration-runner";
export { EventPartitionsRepository, utcDay } from "./partitions.repository";
export { settleAll } from "./settle-all";
export { DeploymentSettingsRepository } from "./deployment-settings.repository";
export {
  type CleanupCall,
  type CleanupRows,
  type LockedResult,
  RETENTION_TABLES,
  RetentionRepository,
  type RetentionSession,
  type StoredRetentionSettings,
} from "./retention.repository";
export { CustomEventDefinitionsRepository } from "./custom-event-definitions.repository";
export { copyRow, copyValue, EVENT_COPY_COLUMNS } from "./copy-text";
export { memberBucketId, type MemberRow, RollupsRepository, type StoredRollup } from "./rollups.repository";
export { type RollupRange, TradingAnalyticsReader, type TradingMetricRange } from "./trading-analytics.reader";
export { type CohortBucket, type CohortRange, type OrderBreakdown, ORDER_BREAKDOWN_COLUMNS, ORDER_KEY_SQL, OrderLifecycleRepository } from "./order-lifecycle.repository";
export { type MarketDataGap, type MarketDataHealthQuery, MarketDataHealthReader, type SymbolHealth } from "./market-data-health.reader";
export { MarketQuotesRepository } from "./market-quotes.repository";
export {
  type DurationFigures,
  ORDER_FIGURES_BY,
  type OrderFigures,
  type OrderFiguresAnswer,
  type OrderFiguresBy,
  OrderFiguresReader,
} from "./order-figures.reader";
export { type ExecutionPage, ExecutionRepository } from "./execution.repository";
export {
  EXECUTION_BREAKDOWNS,
  type ExecutionBreakdown,
  type ExecutionFigures,
  type ExecutionQuery,
  ExecutionQualityReader,
  type OrderExecution,
} from "./execution-quality.reader";
export { type DashboardMetrics, DashboardMetricsReader } from "./dashboard-metrics.reader";
export { UserSessionsRepository } from "./user-sessions.repository";
export { type SessionFigures, SessionFiguresReader } from "./session-figures.reader";
export {
  type ApiKey,
  ApiKeysRepository,
  type ApiKeysRepositoryOptions,
  InvalidApiKeyInput,
  MAX_KEY_RATE_LIMIT_PER_MINUTE,
  type NewApiKey,
  type RevokeResult,
} from "./api-keys.repository";
export {
  API_KEY_SCOPES,
  type ApiKeyScope,
  generateApiKeySecret,
  hashApiKeySecret,
  isApiKeyScope,
  looksLikeApiKeySecret,
  normalizeApiKeyPrefix,
  scopeAllows,
} from "./api-key-secret";
export { type MetricSeriesQuery, MetricSeriesReader, type MetricSummary } from "./metric-series.reader";
export { type EventBatchHandler, type EventExportFilter, type EventExportOptions, EventsExportReader } from "./events-export.reader";
export { EventsTailReader, type TailPage, type TailPosition, type TailReadOptions, type TailRowShape, type TransactionsPage } from "./events-tail.reader";
export { type EventStats, EventStatsReader } from "./event-stats.reader";
export { type IngestionStatus, IngestionStatusReader } from "./ingestion-status.reader";
export { ANY_METRIC_POINT_TEXT_SQL, POINT_SEPARATOR, pointObjectSql } from "./metric-point-json";
export {
  blockId,
  type BlockHours,
  isSeriesBlockInterval,
  mayBeInBlock,
  type SeriesBlock,
  SeriesBlocksRepository,
  type SeriesBucketKey,
  SERIES_BLOCK_INTERVALS,
  SERIES_DAY_SETTLE_MS,
  SERIES_HOUR_SETTLE_MS,
  type SeriesKey,
  settledBlockEnds,
  utcDayStart,
  utcHourStart,
} from "./series-blocks.repository";
export { OrderCohortSummariesRepository } from "./order-cohort-summaries.repository";
export { type CompactionPass, SeriesCompaction, type SeriesCompactionOptions } from "./series-compaction";
export {
  SET_ASIDE_REASONS,
  type SetAsideEvent,
  SetAsideEventsRepository,
  type SetAsidePosition,
  type SetAsideQuery,
  type SetAsideReason,
  type StoredSetAsideEvent,
} from "./set-aside-events.repository";
export { POSITION_KEY_SQL, PositionsRepository } from "./positions.repository";
export {
  type OpenPosition,
  type OpenPositions,
  PNL_BREAKDOWNS,
  type PnlBreakdown,
  type PnlBucket,
  type PnlGroup,
  type PositionFilter,
  PositionsReader,
  type RealizedPnl,
  type SymbolExposure,
} from "./positions.reader";
