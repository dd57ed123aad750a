import { rollupKeyString, type RollupsRepository, type Sql, type SqlTransaction, type StoredRollup } from "@trading-analytics/core";
import type { FoldableEvent } from "./domain/fold-events";
import type { RollupPlan } from "./domain/rollup-plan";
import type { EventTail } from "./storage/event-tail";
import { RollupMerger } from "./storage/rollup-merger";
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
  | { outcome: "folded"; folded: number; late: FoldableEvent[]; rowsWritten: number; oldestReceivedAtMs: number; more: boolean };

/**
 * One aggregation step, in one transaction: lock the cursor, read the events stored since,
 * fold them, merge into the stored rollups, move the cursor. A crash anywhere rolls all of it
 * back; a replica that finds the cursor locked does nothing.
 */
export class AggregationCycle {
  private readonly merger: RollupMerger;

  constructor(
    private readonly sql: Sql,
    private readonly tail: EventTail,
    rollups: RollupsRepository,
    plan: RollupPlan,
    private readonly maxEvents: number,
    private readonly cache = new RollupStateCache(CACHED_ROLLUP_BYTES),
  ) {
    this.merger = new RollupMerger(tail, rollups, plan);
  }

  async run(): Promise<CycleResult> {
    let committed: Committed | undefined;
    try {
      const result = await this.sql.begin((tx) => this.runIn(tx, (done) => (committed = done)));
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

  private async runIn(tx: SqlTransaction, onCommit: (committed: Committed) => void): Promise<CycleResult> {
    const cursor = await this.tail.lockCursor(tx);
    if (cursor === undefined) return { outcome: "other_replica" };
    this.cache.validAt(cursor.version);
    const page = await this.tail.readPage(tx, cursor.nextXid, this.maxEvents);
    // Nothing new: leave the cursor where it is (the next read covers the same empty range).
    if (page.events.length === 0) return { outcome: "idle", oldestUnfoldedReceivedAtMs: await this.tail.oldestUnfoldedReceivedAt(tx, cursor.nextXid) };

    const { rows: merged, late, folded } = await this.merger.apply(tx, page.events, this.cache);
    onCommit({ cursorVersion: await this.tail.advanceCursor(tx, page.nextXid, folded), rows: merged });

    let oldestReceivedAtMs = Number.POSITIVE_INFINITY;
    for (const event of page.events) oldestReceivedAtMs = Math.min(oldestReceivedAtMs, event.receivedAtMs);
    return { outcome: "folded", folded, late, rowsWritten: merged.length, oldestReceivedAtMs, more: page.more };
  }
}
