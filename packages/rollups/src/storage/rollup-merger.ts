import {
  emptyCountState,
  ExecutionRepository,
  isSeriesBlockInterval,
  mayBeInBlock,
  type SeriesBucketKey,
  SeriesBlocksRepository,
  settleAll,
  memberBucketId,
  MarketQuotesRepository,
  mergeInto,
  NO_ORDER_TRANSITIONS,
  type OrderLifecycleRepository,
  type OrderTransitions,
  OVERALL,
  type PositionsRepository,
  rollupKeyString,
  type RollupsRepository,
  type RollupState,
  type SetAsideEvent,
  type SetAsideEventsRepository,
  type SqlTransaction,
  type StoredRollup,
  type UserSessionsRepository,
} from "@trading-analytics/core";
import { executionPageOf } from "../domain/fold-execution";
import { type BucketMember, EventFold, type FoldableEvent, type FoldResult, type RollupDelta } from "../domain/fold-events";
import { foldOrders } from "../domain/fold-orders";
import { foldPositions } from "../domain/fold-positions";
import { foldQuotes } from "../domain/fold-quotes";
import { foldSessions } from "../domain/fold-sessions";
import type { RollupPlan } from "../domain/rollup-plan";
import { screenEvents, type Unfoldable } from "../domain/screen-events";
import type { EventTail } from "./event-tail";
import { RollupLookups } from "./rollup-lookups";
import type { RollupStateCache } from "./rollup-state-cache";

export interface MergeResult {
  /** Every rollup row written, with its full new state. */
  rows: StoredRollup[];
  late: FoldableEvent[];
  /** Events not folded because a measure is out of range or not finite (recorded in set_aside_events). */
  setAside: Unfoldable[];
  folded: number;
  /** The events that passed the screen: what every trading table of this merge was folded from. */
  foldable: FoldableEvent[];
  /** Placed orders that reached a state in this merge (order_analytics). */
  orders: OrderTransitions;
}

/**
 * Folds events into the stored rollups inside the caller's transaction: events with a measure
 * out of range are set aside, too-late events recorded, new distinct members counted, each
 * delta merged into its row's stored state (from the cache when it holds the row, else read)
 * and the rows written back; with an order lifecycle repository, the same events' order deltas
 * are merged into order_analytics in one more statement, the market data updates' quotes
 * inserted into market_quotes in another, with a sessions repository their session deltas into
 * user_sessions, with a positions repository their position deltas into positions, and execution
 * quality's fills and marks (arrival prices, the quote at each fill) written after the quotes and the orders.
 */
export class RollupMerger {
  private readonly seriesBlocks = new SeriesBlocksRepository();
  private readonly quotes = new MarketQuotesRepository();
  private readonly execution = new ExecutionRepository();

  constructor(
    private readonly tail: EventTail,
    private readonly rollups: RollupsRepository,
    private readonly plan: RollupPlan,
    private readonly setAsideEvents: SetAsideEventsRepository,
    /** Absent for a rebuild of rollups, which must not add order events to the lifecycle twice. */
    private readonly orders?: OrderLifecycleRepository,
    private readonly clock: () => number = Date.now,
    /** Absent for a rebuild of rollups: sessions are refolded per session, not per day. */
    private readonly sessions?: UserSessionsRepository,
    /** Absent for a rebuild of rollups too: positions are refolded per position. */
    private readonly positions?: PositionsRepository,
  ) {}

  async apply(tx: SqlTransaction, events: readonly FoldableEvent[], cache?: RollupStateCache): Promise<MergeResult> {
    const { foldable, setAside } = screenEvents(events, this.plan.measures);
    // The trading tables' statements are queued first and the rollups folded while PostgreSQL
    // runs them: one transaction, so the work is ordered, but Node and the database overlap.
    const trading = this.mergeTrading(tx, foldable);
    void trading.catch(() => undefined); // settled below; a failure meanwhile is not an unhandled rejection
    await yieldToIo(); // lets postgres.js send the queued statements before the synchronous fold below
    const rollups = this.mergeRollups(tx, foldable, setAside, cache);
    const [orders, merged] = await settleBoth(trading, rollups);
    return { ...merged, setAside, foldable, orders };
  }

  /**
   * Rollup rows: each delta merged into its row's stored state and written back. The page is
   * folded a slice at a time; after each slice the rows and members it reached are looked up
   * (see RollupLookups) and the event loop is yielded, so that postgres.js keeps sending the
   * queued statements (megabytes of parameters the socket does not take at once) and reading
   * their results while the rest is folded.
   */
  private async mergeRollups(tx: SqlTransaction, foldable: readonly FoldableEvent[], setAside: readonly Unfoldable[], cache?: RollupStateCache) {
    const lookups = new RollupLookups(tx, this.rollups, cache);
    let fold: FoldResult;
    try {
      const folding = new EventFold(this.plan);
      for (let start = 0; start < foldable.length; start += FOLD_SLICE) {
        folding.add(foldable.slice(start, start + FOLD_SLICE));
        const reached = folding.takeNew();
        lookups.request(reached.keys, reached.members);
        await yieldToIo();
      }
      fold = folding.result();
      await this.setAsideEvents.record(tx, setAside.map(toSetAsideEvent));
      await this.tail.recordLate(tx, fold.late);
    } catch (error) {
      await lookups.settle().catch(() => undefined);
      throw error;
    }
    const { deltas, members, late, folded } = fold;
    const { stored, requested, added } = await lookups.results();
    const rows = await this.mergeWithStored(tx, [...deltas, ...distinctDeltas(members, added)], { stored, requested }, cache);
    // Late events change buckets that may already be kept in series blocks: those blocks go with this change.
    const invalidated = this.seriesBlocks.invalidate(tx, bucketsInBlocks(rows, this.clock()));
    void invalidated.catch(() => undefined); // settled below
    await yieldToIo(); // sent before save encodes its rows, so PostgreSQL deletes while Node encodes
    await settleAll([invalidated, this.rollups.save(tx, rows)]);
    return { rows, late, folded };
  }

  /**
   * The trading tables, each statement issued without waiting for the one before (the
   * connection runs them in order): quotes before the execution marks, which read them and the orders.
   */
  private async mergeTrading(tx: SqlTransaction, foldable: readonly FoldableEvent[]): Promise<OrderTransitions> {
    // Every delta first (pure code that may throw), then the statements, so none is left unawaited.
    const lateness = this.plan.allowedLatenessMs;
    const quotes = foldQuotes(foldable, lateness);
    const sessions = this.sessions ? foldSessions(foldable, lateness) : [];
    const positions = this.positions ? foldPositions(foldable, lateness) : [];
    const orderDeltas = this.orders ? foldOrders(foldable, lateness) : [];
    const execution = this.orders ? executionPageOf(foldable, orderDeltas, quotes, lateness) : undefined;

    const written: Array<Promise<unknown>> = [this.quotes.insert(tx, quotes)];
    if (this.sessions) written.push(this.sessions.merge(tx, sessions));
    if (this.positions) written.push(this.positions.merge(tx, positions));
    if (!this.orders || !execution) {
      await settleAll(written);
      return { ...NO_ORDER_TRANSITIONS };
    }
    const orders = this.orders.merge(tx, orderDeltas);
    written.push(orders, this.execution.fold(tx, execution));
    await settleAll(written);
    return orders;
  }

  /** Merges each delta into its row's state: cached, looked up already, or read now (the keys nobody asked for yet). */
  private async mergeWithStored(
    tx: SqlTransaction,
    deltas: readonly RollupDelta[],
    looked: { stored: ReadonlyMap<string, RollupState>; requested: ReadonlySet<string> },
    cache?: RollupStateCache,
  ): Promise<StoredRollup[]> {
    const ids = deltas.map((delta) => rollupKeyString(delta.key));
    const cached = (index: number) => cache?.get(ids[index]!);
    const missing = deltas.filter((_, index) => cached(index) === undefined && !looked.requested.has(ids[index]!)).map((delta) => delta.key);
    const stored = await this.rollups.load(tx, missing);
    return deltas.map(({ key, state }, index) => {
      const current = cached(index) ?? looked.stored.get(ids[index]!) ?? stored.get(ids[index]!);
      if (!current) return { key, state };
      mergeInto(current, state);
      return { key, state: current };
    });
  }
}

/** Events folded between two turns of the event loop: about 30 ms of a sparse page's fold. */
const FOLD_SLICE = 500;

/**
 * Resolves on the event loop's next turn: postgres.js writes queued statements from a setImmediate
 * of its own, scheduled after the caller's, so one setImmediate is not enough; a timer comes later.
 */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  await settleAll([a, b]);
  return [await a, await b];
}

/** The 1m/5m rows' buckets that a series block may already hold. */
function bucketsInBlocks(rows: readonly StoredRollup[], nowMs: number): SeriesBucketKey[] {
  return rows.map((row) => row.key).filter((key) => isSeriesBlockInterval(key.interval) && mayBeInBlock(key.bucketStartMs, nowMs));
}

/** Count-only deltas for active users/sessions: how many members were new in each bucket. */
function distinctDeltas(members: readonly BucketMember[], added: ReadonlyMap<string, number>): RollupDelta[] {
  const deltas = new Map<string, RollupDelta>();
  for (const member of members) {
    const id = memberBucketId(member.metric, member.interval, member.bucketStartMs);
    const count = added.get(id);
    if (!count || deltas.has(id)) continue;
    const state = emptyCountState();
    state.count = count;
    deltas.set(id, {
      key: { metric: member.metric, interval: member.interval, bucketStartMs: member.bucketStartMs, dimension: OVERALL, dimensionValue: "" },
      state,
    });
  }
  return [...deltas.values()];
}

export function toSetAsideEvent({ event, reason, detail }: Unfoldable): SetAsideEvent {
  return { eventId: event.eventId, eventTime: new Date(event.timeMs), eventType: event.eventType, reason, detail };
}
