export { type DropMethod, type ExpiredPartition, type RetentionPlan, type StoredPartition } from "./retention-plan";
export { KIND_OF_INTERVAL, RETENTION_KINDS, type RetentionKind, type RetentionPolicy, retentionPolicy } from "./retention-policy";
export { type DroppedPartition, RetentionRunner, type RetentionRunResult, type RetentionSettings, retentionSettings } from "./retention-runner";
export { createRetentionMetrics, RetentionJob, type RetentionMetrics } from "./retention.job";
export { formatRetentionReport, retentionReportJson } from "./retention-report";
