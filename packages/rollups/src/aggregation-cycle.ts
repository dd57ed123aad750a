import {
  addTransitions,
  NO_ORDER_TRANSITIONS,
  OrderLifecycleRepository,
  type OrderTransitions,
  PositionsRepository,
  rollupKeyString,
  type RollupsRepository,
  type SetAsideEvent,
  SetAsideEventsRepository,
  type Sql,
  type SqlTransaction,
  type StoredRollup,
  UserSessionsRepository,
} from "@trading-analytics/core";
import type { FoldableEvent } from "./domain/fold-events";
import { describeError, isEventSpecificFailure, isolateFailures } from "./domain/isolate-failures";
import type { RollupPlan } from "./domain/rollup-plan";
import type { EventTail } from "./storage/event-tail";
import { type MergeResult, RollupMerger, toSetAsideEvent } from "./storage/rollup-merger";
import { RollupStateCache } from "./storage/rollup-state-cache";

/**
 * Heap the decoded rollup rows kept between cycles may hold (estimated). A cycle touches the
 * current bucket of every interval: about 1,600 rows, 6 MB, at the soak's demo traffic; rows of
 * past minutes come back only for late events. 16 MB holds that hot set 2.5 times over. (A cap
 * of 50,000 rows, some 190 MB of mostly finished 1m buckets, took two hours to fill.)
 */
const CACHED_ROLLUP_BYTES = 16 * 1024 * 1024;

interface Committed {
  cursorVersion: string;
  rows: StoredRollup[];
}

export type CycleResult =
  | { outcome: "other_replica" }
  /** Nothing foldable; oldestUnfoldedReceivedAtMs is set when stored events wait behind a transaction held open elsewhere. */
  | { outcome: "idle"; oldestUnfoldedReceivedAtMs: number | null }
  | {
      outcome: "folded";
      folded: number;
      late: FoldableEvent[];
      /** Events of the page not folded, with their reason (recorded in set_aside_events). */
      setAside: SetAsideEvent[];
      rowsWritten: number;
      /** Placed orders that reached a lifecycle state (placed, filled, canceled, rejected) in this cycle. */
      orders: OrderTransitions;
      /** The oldest event still not folded once this cycle commits, or null when none is. */
      oldestUnfoldedReceivedAtMs: number | null;
      more: boolean;
    };

export interface CycleOptions {
  /**
   * Fold the page by bisection, each part in its own savepoint, and set aside the events that
   * fail on their own (after the same page failed cycle after cycle).
   */
  isolate?: boolean;
}

/**
 * One aggregation step, in one transaction: lock the cursor, read the events stored since,
 * fold them, merge into the stored rollups and the order lifecycle, move the cursor. A crash anywhere rolls all of it
 * back; a replica that finds the cursor locked does nothing.
 */
export class AggregationCycle {
  private readonly merger: RollupMerger;
  private readonly setAsideEvents: SetAsideEventsRepository;

  constructor(
    private readonly sql: Sql,
    private readonly tail: EventTail,
    rollups: RollupsRepository,
    plan: RollupPlan,
    private readonly maxEvents: number,
    private readonly cache = new RollupStateCache(CACHED_ROLLUP_BYTES),
  ) {
    this.setAsideEvents = new SetAsideEventsRepository(sql);
    this.merger = new RollupMerger(tail, rollups, plan, this.setAsideEvents, new OrderLifecycleRepository(sql), Date.now, new UserSessionsRepository(), new PositionsRepository());
  }

  async run(options: CycleOptions = {}): Promise<CycleResult> {
    let committed: Committed | undefined;
    try {
      const result = await this.sql.begin((tx) => this.runIn(tx, options, (done) => (committed = done)));
      // Only now is it certain the rows are what PostgreSQL holds.
      if (committed) this.cache.remember(committed.cursorVersion, committed.rows.map((row) => [rollupKeyString(row.key), row.state]));
      return result;
    } catch (error) {
      this.cache.clear(); // cached states may have been merged into for a transaction that did not commit
      throw error;
    }
  }

  /** What the cache of decoded rollup rows holds now. */
  cacheSize(): { rows: number; bytes: number } {
    return { rows: this.cache.size, bytes: this.cache.bytes };
  }

  /** Events stored but not yet folded: the backlog, including rows a transaction elsewhere still holds back. */
  unfoldedEvents(): Promise<number> {
    return this.tail.countUnfolded();
  }

  /** When the oldest event not yet folded was received (epoch ms), null when none waits. */
  oldestUnfoldedReceivedAt(): Promise<number | null> {
    return this.tail.oldestUnfoldedReceivedAt(this.sql);
  }

  private async runIn(tx: SqlTransaction, options: CycleOptions, onCommit: (committed: Committed) => void): Promise<CycleResult> {
    const cursor = await this.tail.lockCursor(tx);
    if (cursor === undefined) return { outcome: "other_replica" };
    this.cache.validAt(cursor.version);
    const page = await this.tail.readPage(tx, cursor.nextXid, this.maxEvents);
    // Nothing new: leave the cursor where it is (the next read covers the same empty range).
    if (page.events.length === 0) return { outcome: "idle", oldestUnfoldedReceivedAtMs: await this.tail.oldestUnfoldedReceivedAt(tx, cursor.nextXid) };

    const merged = options.isolate ? await this.foldIsolating(tx, page.events) : await this.merger.apply(tx, page.events, this.cache);
    const cursorVersion = await this.tail.advanceCursor(tx, page.nextXid, merged.folded);
    // Rows folded part by part (isolating) were written under savepoints the cache never saw.
    onCommit({ cursorVersion, rows: options.isolate ? [] : merged.rows });
    return {
      outcome: "folded",
      folded: merged.folded,
      late: merged.late,
      setAside: merged.setAside.map(toSetAsideEvent),
      rowsWritten: merged.rows.length,
      orders: merged.orders,
      oldestUnfoldedReceivedAtMs: await this.tail.oldestUnfoldedReceivedAt(tx, page.nextXid),
      more: page.more,
    };
  }

  /**
   * Folds the page by bisection under savepoints; events that fail on their own are set aside as
   * fold_failed. Events an operator already set aside (by hand, see docs/operations.md) are skipped.
   */
  private async foldIsolating(tx: SqlTransaction, page: readonly FoldableEvent[]): Promise<MergeResult> {
    this.cache.clear();
    const already = await this.setAsideEvents.recordedAmong(tx, page.map((e) => ({ eventId: e.eventId, eventTime: new Date(e.timeMs) })));
    const events = page.filter((event) => !already.has(event.eventId));
    const total: MergeResult = { rows: [], late: [], setAside: [], folded: 0, foldable: [], orders: { ...NO_ORDER_TRANSITIONS } };
    const failed = await isolateFailures(
      events,
      async (part) => {
        const result = await tx.savepoint((sp) => this.merger.apply(sp, part));
        total.rows.push(...result.rows);
        total.late.push(...result.late);
        total.setAside.push(...result.setAside);
        total.folded += result.folded;
        total.foldable.push(...result.foldable);
        addTransitions(total.orders, result.orders);
      },
      isEventSpecificFailure,
    );
    const unfoldable = failed.map(({ item, error }) => ({ event: item, reason: "fold_failed" as const, detail: describeError(error) }));
    await this.setAsideEvents.record(tx, unfoldable.map(toSetAsideEvent));
    total.setAside.push(...unfoldable);
    return total;
  }
}
