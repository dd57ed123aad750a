import { OrderLifecycleRepository, type SqlTransaction } from "@trading-analytics/core";
import { foldOrders } from "../domain/fold-orders";
import type { EventTail, FoldedPosition } from "../storage/event-tail";

/**
 * The order lifecycle's part of a rebuild of [from, to): the orders with an event in the range
 * lose their rows and are refolded from every folded event they have, inside or outside the
 * range (an order's events may span days), in the rebuild's transaction.
 */
export class OrderLifecycleRebuild {
  constructor(
    private readonly tail: EventTail,
    private readonly orders: OrderLifecycleRepository,
    private readonly allowedLatenessMs: number,
    private readonly pageSize: number,
  ) {}

  /** Returns the orders refolded. */
  async rebuild(tx: SqlTransaction, range: { from: Date; to: Date; belowXid: bigint }): Promise<string[]> {
    const orderIds = await this.tail.orderIdsIn(tx, range);
    if (orderIds.length === 0) return [];
    const span = await this.orders.deleteOrders(tx, orderIds);
    const read = {
      from: new Date(Math.min(range.from.getTime(), span?.from.getTime() ?? Infinity)),
      to: new Date(Math.max(range.to.getTime(), (span?.to.getTime() ?? -Infinity) + 1)),
      belowXid: range.belowXid,
      orderIds,
    };
    for (let after: FoldedPosition | undefined; ; ) {
      const page = await this.tail.readFolded(tx, read, after, this.pageSize);
      if (page.events.length === 0) break;
      await this.orders.merge(tx, foldOrders(page.events, this.allowedLatenessMs));
      after = page.last;
      if (page.events.length < this.pageSize) break;
    }
    return orderIds;
  }
}
