import {
  ExecutionRepository,
  MarketQuotesRepository,
  OrderLifecycleRepository,
  PositionsRepository,
  rollupKeyString,
  type RollupsRepository,
  SeriesBlocksRepository,
  SetAsideEventsRepository,
  type Sql,
} from "@trading-analytics/core";
import { foldFills } from "../domain/fold-execution";
import type { RollupPlan } from "../domain/rollup-plan";
import type { EventTail, FoldedPosition } from "../storage/event-tail";
import { RollupMerger } from "../storage/rollup-merger";
import { OrderLifecycleRebuild } from "./order-lifecycle-rebuild";
import { PositionsRebuild } from "./positions-rebuild";
import { UserSessionsRebuild } from "./user-sessions-rebuild";

const DAY_MS = 86_400_000;

export interface RebuiltDay {
  day: Date;
  /** Events folded into the day's rollups again (too-late ones are recorded, not folded). */
  events: number;
  rows: number;
  /** Orders with an event in the day, refolded into order_analytics from all their events. */
  orders: number;
  /** Sessions with an event in the day, refolded into user_sessions from all their events. */
  sessions: number;
  /** Positions with an event in the day, refolded into positions from all their events. */
  positions: number;
}

/**
 * Recomputes the rollups of whole UTC days from the stored events: after a configuration
 * change (new dimensions or measures), a bug fix, or a manual correction of events. Each day is
 * one transaction that holds the aggregation cursor (so no fold interleaves), deletes the day's
 * rollup rows, distinct members, market quotes and fills, refolds the day's events that the
 * aggregator had already folded (never those it set aside), refolds the order lifecycle of the
 * orders with an event in the day (see OrderLifecycleRebuild), the sessions and the positions
 * likewise (see UserSessionsRebuild, PositionsRebuild), re-marks their arrival and the fills the
 * day's quotes govern (ExecutionRepository.remarkRange), and gives the cursor a new version so
 * every replica drops its cached rollups. Events not folded yet are left to the aggregator, so
 * nothing counts twice.
 */
export class RollupsRebuild {
  private readonly merger: RollupMerger;
  private readonly seriesBlocks = new SeriesBlocksRepository();
  private readonly orders: OrderLifecycleRebuild;
  private readonly positions: PositionsRebuild;
  private readonly quotes = new MarketQuotesRepository();
  private readonly sessions: UserSessionsRebuild;
  private readonly execution = new ExecutionRepository();

  constructor(
    private readonly sql: Sql,
    private readonly tail: EventTail,
    rollups: RollupsRepository,
    private readonly plan: RollupPlan,
    private readonly pageSize = 20_000,
  ) {
    // No lifecycle repository here: the lifecycle is refolded per order below, not per day.
    this.merger = new RollupMerger(tail, rollups, plan, new SetAsideEventsRepository(sql));
    this.orders = new OrderLifecycleRebuild(tail, new OrderLifecycleRepository(sql), plan.allowedLatenessMs, pageSize);
    this.sessions = new UserSessionsRebuild(tail, plan.allowedLatenessMs, pageSize);
    this.positions = new PositionsRebuild(tail, new PositionsRepository(), plan.allowedLatenessMs, pageSize);
  }

  /** The UTC days overlapping [from, to), oldest first. */
  static daysOf(from: Date, to: Date): Date[] {
    const days: Date[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) days.push(new Date(day));
    return days;
  }

  async rebuildDay(day: Date): Promise<RebuiltDay> {
    const from = new Date(Math.floor(day.getTime() / DAY_MS) * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    return this.sql.begin(async (tx) => {
      const cursor = await this.tail.lockCursorWaiting(tx);
      // Every bucket of every interval up to a day that starts in the day lies wholly inside it.
      await tx`delete from metric_rollups where bucket_start >= ${from} and bucket_start < ${to}`;
      await tx`delete from rollup_members where bucket_start >= ${from} and bucket_start < ${to}`;
      await this.seriesBlocks.invalidateDays(tx, from.getTime(), to.getTime());
      // The day's quotes are one row per event: the refold below inserts them again.
      await this.quotes.deleteRange(tx, { from, to });
      await this.execution.deleteFills(tx, { from, to });
      let events = 0;
      const written = new Set<string>();
      for (let after: FoldedPosition | undefined; ; ) {
        const page = await this.tail.readFolded(tx, { from, to, belowXid: cursor.nextXid }, after, this.pageSize);
        if (page.events.length === 0) break;
        const { rows, folded, foldable } = await this.merger.apply(tx, page.events);
        // Only what passed the screen: an event the refold sets aside has no fill either.
        await this.execution.insertFills(tx, foldFills(foldable, this.plan.allowedLatenessMs));
        events += folded;
        for (const row of rows) written.add(rollupKeyString(row.key));
        after = page.last;
        if (page.events.length < this.pageSize) break;
      }
      const orderIds = await this.orders.rebuild(tx, { from, to, belowXid: cursor.nextXid });
      const sessions = await this.sessions.rebuild(tx, { from, to, belowXid: cursor.nextXid });
      const positions = await this.positions.rebuild(tx, { from, to, belowXid: cursor.nextXid });
      // Once every quote and order is back: the refolded orders lost their marks, and fills were
      // marked while the day's quotes were still coming back.
      await this.execution.remarkRange(tx, { from, to }, orderIds);
      await this.tail.touchCursor(tx);
      return { day: from, events, rows: written.size, orders: orderIds.length, sessions, positions };
    });
  }
}
