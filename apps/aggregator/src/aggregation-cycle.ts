import {
  emptyCountState,
  memberBucketId,
  mergeInto,
  OVERALL,
  rollupKeyString,
  type RollupsRepository,
  type Sql,
  type SqlTransaction,
  type StoredRollup,
} from "@trading-analytics/core";
import { type BucketMember, type FoldableEvent, foldEvents, type RollupDelta } from "./domain/fold-events";
import type { RollupPlan } from "./domain/rollup-plan";
import type { EventTail } from "./storage/event-tail";

export type CycleResult =
  | { outcome: "other_replica" }
  | { outcome: "idle" }
  | { outcome: "folded"; folded: number; late: FoldableEvent[]; rowsWritten: number; oldestReceivedAtMs: number; more: boolean };

/**
 * One aggregation step, in one transaction: lock the cursor, read the events stored since,
 * fold them, merge into the stored rollups, move the cursor. A crash anywhere rolls all of it
 * back; a replica that finds the cursor locked does nothing.
 */
export class AggregationCycle {
  constructor(
    private readonly sql: Sql,
    private readonly tail: EventTail,
    private readonly rollups: RollupsRepository,
    private readonly plan: RollupPlan,
    private readonly maxEvents: number,
  ) {}

  run(): Promise<CycleResult> {
    return this.sql.begin((tx) => this.runIn(tx));
  }

  private async runIn(tx: SqlTransaction): Promise<CycleResult> {
    const cursor = await this.tail.lockCursor(tx);
    if (cursor === undefined) return { outcome: "other_replica" };
    const page = await this.tail.readPage(tx, cursor, this.maxEvents);
    // Nothing new: leave the cursor where it is (the next read covers the same empty range).
    if (page.events.length === 0) return { outcome: "idle" };

    const { deltas, members, late, folded } = foldEvents(page.events, this.plan);
    await this.tail.recordLate(tx, late);
    const added = await this.rollups.addMembers(tx, members);
    const merged = await this.mergeWithStored(tx, [...deltas, ...distinctDeltas(members, added)]);
    await this.rollups.save(tx, merged);
    await this.tail.advanceCursor(tx, page.nextXid, folded);

    let oldestReceivedAtMs = Number.POSITIVE_INFINITY;
    for (const event of page.events) oldestReceivedAtMs = Math.min(oldestReceivedAtMs, event.receivedAtMs);
    return { outcome: "folded", folded, late, rowsWritten: merged.length, oldestReceivedAtMs, more: page.more };
  }

  private async mergeWithStored(tx: SqlTransaction, deltas: readonly RollupDelta[]): Promise<StoredRollup[]> {
    const stored = await this.rollups.load(tx, deltas.map((delta) => delta.key));
    return deltas.map(({ key, state }) => {
      const current = stored.get(rollupKeyString(key));
      if (!current) return { key, state };
      mergeInto(current, state);
      return { key, state: current };
    });
  }
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
