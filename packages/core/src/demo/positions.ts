// Strategy positions, at most one open per strategy and symbol: a completed strategy order
// sometimes opens one, and an opposite one closes it with its realized pnl.
import type { KnownEventProperties, OrderSide } from "../models";
import type { Actor, EventSink } from "./event-sink";
import { QUOTE_SCALE, round } from "./fixed-point";
import type { Market } from "./market-walk";
import type { SeededRandom } from "./random";
import type { Strategy } from "./strategies";

const POSITION_CHANCE = 0.5;

interface Position {
  props: KnownEventProperties["position.opened"];
  actor: Actor;
}

/** What positions need to know of a completely filled order. */
export interface FilledOrder {
  strategy: Strategy | undefined;
  market: Market;
  side: OrderSide;
  units: number;
  /** Sum of price * quantity over fills, for the average fill price. */
  filledValue: number;
  actor: Actor;
}

export class Positions {
  private readonly open = new Map<string, Position>();

  constructor(
    private readonly random: SeededRandom,
    private readonly sink: EventSink,
  ) {}

  /** A filled strategy order sometimes opens a position, or closes the strategy's opposite one. */
  afterFullFill(order: FilledOrder): void {
    if (!order.strategy || !this.random.chance(POSITION_CHANCE)) return;
    const strategyId = order.strategy.spec.id;
    const market = order.market;
    const key = `${strategyId}|${market.symbol}`;
    const position = this.open.get(key);
    const side = order.side === "BUY" ? "LONG" : "SHORT";
    const quantity = order.units / market.quantityScale;
    const averagePrice = round(order.filledValue / quantity, market.priceScale);
    if (!position) {
      const props: KnownEventProperties["position.opened"] = {
        position_id: this.random.uuid(),
        symbol: market.symbol,
        side,
        quantity,
        entry_price: averagePrice,
        strategy_id: strategyId,
      };
      this.open.set(key, { props, actor: order.actor });
      this.sink.emit("position.opened", props.position_id, props, order.actor);
    } else if (position.props.side !== side) {
      // Adding to a position is not modelled; only an opposite fill closes it.
      const open = position.props;
      const direction = open.side === "LONG" ? 1 : -1;
      const realizedPnl = round((averagePrice - open.entry_price) * open.quantity * direction, QUOTE_SCALE);
      this.open.delete(key);
      const closed = { ...open, exit_price: averagePrice, realized_pnl: realizedPnl };
      this.sink.emit("position.closed", open.position_id, closed, position.actor);
    }
  }
}
