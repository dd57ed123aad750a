import type { Config } from "../config";
import type { Logger } from "../logger";
import { OrderLifecycleRepository } from "../repository/order-lifecycle.repository";
import type { RetentionRepository, RetentionSession } from "../repository/retention.repository";
import { SERIES_BLOCK_INTERVALS, SeriesBlocksRepository } from "../repository/series-blocks.repository";
import { type ExpiredPartition, planRetention, type RetentionPlan } from "./retention-plan";
import { KIND_OF_INTERVAL, type RetentionPolicy, retentionPolicy } from "./retention-policy";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ids deleted per statement: a minute of them (at 30,000 events/s, 1.8M rows). */
const ID_WINDOW_MS = 60 * 1000;

export interface RetentionSettings {
  policy: RetentionPolicy;
  /** Events (and event_ids) partitions kept ready this many days ahead (analytics.ingestion.partitions_ahead_days). */
  eventDaysAhead: number;
  /** Rollup partitions kept ready this far ahead. */
  rollupsAheadMs: number;
  /** How far back the aggregator still folds (analytics.aggregation.allowed_lateness): rollup partitions exist from there. */
  allowedLatenessMs: number;
  lateEventsBatchSize: number;
  idsBatchSize: number;
}

/** Three months of rollup partitions ahead: a retention job stopped for weeks still leaves the aggregator a partition to write to. */
const ROLLUPS_AHEAD_MS = 92 * DAY_MS;

export function retentionSettings(config: Config): RetentionSettings {
  return {
    policy: retentionPolicy(config.analytics.retention),
    eventDaysAhead: config.analytics.ingestion.partitions_ahead_days,
    rollupsAheadMs: ROLLUPS_AHEAD_MS,
    allowedLatenessMs: config.analytics.aggregation.allowed_lateness,
    lateEventsBatchSize: 10_000,
    idsBatchSize: 10_000,
  };
}

export interface DroppedPartition {
  partition: ExpiredPartition;
  /** Set when dropping it failed; it stays for the next run. */
  error?: string;
}

export type RetentionRunResult =
  | { status: "locked" }
  | {
      status: "done";
      dryRun: boolean;
      plan: RetentionPlan;
      /** Every expired partition with what became of it (nothing, on a dry run). */
      partitions: DroppedPartition[];
      /** late_events rows recorded before the raw_events cutoff: deleted, or on a dry run that would be. */
      lateEvents: number;
      /** event_ids rows of the days whose events partitions went: deleted, or on a dry run that would be. */
      eventIds: number;
      /** Partitions created ahead (0 on a dry run). */
      created: number;
    };

/**
 * One retention pass: under the advisory lock, create partitions ahead, list the partitions,
 * plan against the database's clock, drop the expired ones (each on its own, so one failure
 * leaves the others done) and trim late_events. A dry run only lists and plans, changing nothing.
 */
export class RetentionRunner {
  private readonly seriesBlocks = new SeriesBlocksRepository();

  constructor(
    private readonly repository: RetentionRepository,
    private readonly settings: RetentionSettings,
    private readonly logger?: Logger,
  ) {}

  async run(options: { dryRun: boolean }): Promise<RetentionRunResult> {
    if (options.dryRun) return this.plan();
    const locked = await this.repository.withLock((db) => this.apply(db));
    return locked.acquired ? locked.result : { status: "locked" };
  }

  private async plan(): Promise<RetentionRunResult> {
    const plan = planRetention(await this.repository.listPartitions(), this.settings.policy, await this.repository.now());
    const lateEvents = await this.repository.countLateEventsBefore(plan.cutoffs.raw_events);
    const eventIds = await this.repository.countIdsBefore(idsCutoff(plan));
    return { status: "done", dryRun: true, plan, partitions: plan.expired.map((partition) => ({ partition })), lateEvents, eventIds, created: 0 };
  }

  private async apply(db: RetentionSession): Promise<RetentionRunResult> {
    const { settings } = this;
    const nowMs = (await this.repository.now(db)).getTime();
    const created = await this.repository.ensurePartitions(db, {
      eventsFrom: new Date(nowMs - DAY_MS),
      eventsTo: new Date(nowMs + settings.eventDaysAhead * DAY_MS),
      rollupsFrom: new Date(nowMs - settings.allowedLatenessMs - DAY_MS),
      rollupsTo: new Date(nowMs + settings.rollupsAheadMs),
    });
    const plan = planRetention(await this.repository.listPartitions(db), settings.policy, await this.repository.now(db));
    // Series blocks first: none may outlive the rollup rows it copies.
    let seriesBlocks = 0;
    for (const interval of SERIES_BLOCK_INTERVALS) {
      seriesBlocks += await this.seriesBlocks.deleteBefore(db, [interval], plan.cutoffs[KIND_OF_INTERVAL[interval]].getTime());
    }
    if (seriesBlocks > 0) this.logger?.info("retention deleted series blocks", { rows: seriesBlocks });
    const partitions: DroppedPartition[] = [];
    for (const partition of plan.expired) {
      const fields = { kind: partition.kind, table: partition.table, partition: partition.name, from: partition.from, to: partition.to };
      try {
        await this.repository.dropPartition(db, partition);
        partitions.push({ partition });
        this.logger?.info("retention dropped a partition", { ...fields, bytes: partition.bytes });
      } catch (error) {
        const message = (error as Error).message;
        partitions.push({ partition, error: message });
        this.logger?.error("retention could not drop a partition; next run retries", { ...fields, error: message });
      }
    }
    const lateEvents = await this.repository.deleteLateEventsBefore(db, plan.cutoffs.raw_events, settings.lateEventsBatchSize);
    let eventIds = 0;
    for (const { partition, error } of partitions) {
      if (error !== undefined || partition.table !== "events" || !partition.from || !partition.to) continue;
      eventIds += await this.repository.deleteIdsBetween(db, partition.from, partition.to, ID_WINDOW_MS);
    }
    eventIds += await this.repository.deleteIdsBefore(db, idsCutoff(plan), settings.idsBatchSize);
    if (eventIds > 0) this.logger?.info("retention deleted event ids", { rows: eventIds, before: idsCutoff(plan) });
    const setAside = await this.repository.deleteSetAsideBefore(db, idsCutoff(plan), settings.idsBatchSize);
    if (setAside > 0) this.logger?.info("retention deleted set-aside records of dropped days", { rows: setAside, before: idsCutoff(plan) });
    // Order lifecycle rows go with the days of raw events dropped (orders placed before them).
    const orders = await new OrderLifecycleRepository(db).deleteBefore(idsCutoff(plan), settings.idsBatchSize);
    if (orders > 0) this.logger?.info("retention deleted order_analytics rows of orders placed in dropped days", { rows: orders, before: idsCutoff(plan) });
    if (created.events + created.rollups > 0) this.logger?.info("retention created partitions ahead", created);
    if (lateEvents > 0) this.logger?.info("retention deleted late_events rows", { rows: lateEvents, recorded_before: plan.cutoffs.raw_events });
    return { status: "done", dryRun: false, plan, partitions, lateEvents, eventIds, created: created.events + created.rollups };
  }
}

/**
 * Ids go with the days retention drops whole: those before the UTC midnight at or below the
 * raw_events cutoff. An id of a day still partly kept stays, so it is never stored twice while
 * any of its day is retained.
 */
export function idsCutoff(plan: RetentionPlan): Date {
  const ms = plan.cutoffs.raw_events.getTime();
  return new Date(ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS));
}
