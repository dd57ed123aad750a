import type { PositionsRepository, SqlTransaction } from "@trading-analytics/core";
import { foldPositions } from "../domain/fold-positions";
import type { EventTail, FoldedPosition } from "../storage/event-tail";

/**
 * The positions' part of a rebuild of [from, to): the positions with an event in the range lose
 * their rows and are refolded from every folded event they have, inside or outside the range (a
 * position may stay open for days), in the rebuild's transaction.
 */
export class PositionsRebuild {
  constructor(
    private readonly tail: EventTail,
    private readonly positions: PositionsRepository,
    private readonly allowedLatenessMs: number,
    private readonly pageSize: number,
  ) {}

  /** Returns how many positions were refolded. */
  async rebuild(tx: SqlTransaction, range: { from: Date; to: Date; belowXid: bigint }): Promise<number> {
    const positionIds = await this.tail.positionIdsIn(tx, range);
    if (positionIds.length === 0) return 0;
    const span = await this.positions.deletePositions(tx, positionIds);
    const read = {
      from: new Date(Math.min(range.from.getTime(), span?.from.getTime() ?? Infinity)),
      to: new Date(Math.max(range.to.getTime(), (span?.to.getTime() ?? -Infinity) + 1)),
      belowXid: range.belowXid,
      positionIds,
    };
    for (let after: FoldedPosition | undefined; ; ) {
      const page = await this.tail.readFolded(tx, read, after, this.pageSize);
      if (page.events.length === 0) break;
      await this.positions.merge(tx, foldPositions(page.events, this.allowedLatenessMs));
      after = page.last;
      if (page.events.length < this.pageSize) break;
    }
    return positionIds.length;
  }
}
