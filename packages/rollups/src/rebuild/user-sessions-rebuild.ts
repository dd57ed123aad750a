import { type SqlTransaction, UserSessionsRepository } from "@trading-analytics/core";
import { foldSessions } from "../domain/fold-sessions";
import type { EventTail, FoldedPosition } from "../storage/event-tail";

/**
 * The sessions' part of a rebuild of [from, to): the sessions with an event in the range lose
 * their rows and are refolded from every folded event they have, inside or outside the range
 * (a session may span midnight), in the rebuild's transaction.
 */
export class UserSessionsRebuild {
  private readonly sessions = new UserSessionsRepository();

  constructor(
    private readonly tail: EventTail,
    private readonly allowedLatenessMs: number,
    private readonly pageSize: number,
  ) {}

  /** Returns how many sessions were refolded. */
  async rebuild(tx: SqlTransaction, range: { from: Date; to: Date; belowXid: bigint }): Promise<number> {
    const keys = await this.tail.sessionsIn(tx, range);
    if (keys.length === 0) return 0;
    const span = await this.sessions.deleteSessions(tx, keys);
    const read = {
      from: new Date(Math.min(range.from.getTime(), span?.from.getTime() ?? Infinity)),
      to: new Date(Math.max(range.to.getTime(), (span?.to.getTime() ?? -Infinity) + 1)),
      belowXid: range.belowXid,
      sessions: keys,
    };
    for (let after: FoldedPosition | undefined; ; ) {
      const page = await this.tail.readFolded(tx, read, after, this.pageSize);
      if (page.events.length === 0) break;
      await this.sessions.merge(tx, foldSessions(page.events, this.allowedLatenessMs));
      after = page.last;
      if (page.events.length < this.pageSize) break;
    }
    return keys.length;
  }
}
