import { type MemberRow, type RollupKey, rollupKeyString, type RollupsRepository, type RollupState, settleAll, type SqlTransaction } from "@trading-analytics/core";
import type { RollupStateCache } from "./rollup-state-cache";

/**
 * The stored states and new-member counts a page's rollups need, asked for while the page is
 * still being folded: each request is one statement sent at once, so PostgreSQL looks rows up
 * while Node folds the next slice. Every request is settled before the caller goes on, also when
 * the fold fails, so nothing still runs on a transaction being rolled back.
 */
export class RollupLookups {
  private readonly pending: Array<Promise<unknown>> = [];
  private readonly requested = new Set<string>();
  private readonly stored = new Map<string, RollupState>();
  private readonly added = new Map<string, number>();

  constructor(
    private readonly tx: SqlTransaction,
    private readonly rollups: RollupsRepository,
    private readonly cache?: RollupStateCache,
  ) {}

  /** Looks up the keys neither cached nor asked for before, and records the members. */
  request(keys: readonly RollupKey[], members: readonly MemberRow[]): void {
    const missing = keys.filter((key) => {
      const id = rollupKeyString(key);
      if (this.requested.has(id) || this.cache?.get(id) !== undefined) return false;
      this.requested.add(id);
      return true;
    });
    if (missing.length > 0) {
      this.track(this.rollups.load(this.tx, missing).then((found) => found.forEach((state, id) => this.stored.set(id, state))));
    }
    if (members.length > 0) {
      this.track(this.rollups.addMembers(this.tx, members).then((added) => added.forEach((n, id) => this.added.set(id, (this.added.get(id) ?? 0) + n))));
    }
  }

  /** Once every request has answered: the stored state of each key asked for that has a row, by rollupKeyString, and how many members were new per bucket. */
  async results(): Promise<{ stored: ReadonlyMap<string, RollupState>; requested: ReadonlySet<string>; added: ReadonlyMap<string, number> }> {
    await this.settle();
    return { stored: this.stored, requested: this.requested, added: this.added };
  }

  /** Waits for every request; rejects with the first failure. */
  settle(): Promise<void> {
    return settleAll(this.pending);
  }

  private track(request: Promise<unknown>): void {
    request.catch(() => undefined); // settled in settle(); a failure meanwhile is not an unhandled rejection
    this.pending.push(request);
  }
}
