// Orders from placement to their planned end: funds locked on placement, then fills, a cancel or
// a reject in later steps, with balances and positions kept in step with every fill.
import type { KnownEventProperties, OrderSide } from "../models";
import type { Actor, EventSink } from "./event-sink";
import { BALANCE_SCALE, QUOTE_SCALE, round } from "./fixed-point";
import type { Market } from "./market-walk";
import { type OrderStep, type OrderType, planLifecycle } from "./order-plan";
import type { Positions } from "./positions";
import type { SeededRandom } from "./random";
import type { Strategy } from "./strategies";
import type { User, UserSessions } from "./user-sessions";
import type { Wallets } from "./wallets";

const LIMIT_SHARE = 0.7;
const MAKER_FEE = 0.0002;
const TAKER_FEE = 0.001;
const MARKET_BUY_LOCK_BUFFER = 1.02; // a market buy may fill above the quote it was sized on
const BALANCE_UPDATE_CHANCE = 0.3;
const CANCEL_REASONS = ["user_requested", "user_requested", "expired"];

interface OpenOrder {
  id: string;
  market: Market;
  side: OrderSide;
  type: OrderType;
  price: number;
  units: number;
  remainingUnits: number;
  strategy: Strategy | undefined;
  user: User;
  actor: Actor;
  placedAt: number;
  plan: OrderStep[];
  planIndex: number;
  lockAsset: string;
  lockLeft: number;
  /** Sum of price * quantity over fills, for the average fill price. */
  filledValue: number;
}

export class OrderLifecycle {
  /** Orders waiting for their next lifecycle event, by the step it is due in. */
  private readonly due = new Map<number, OpenOrder[]>();

  constructor(
    private readonly random: SeededRandom,
    private readonly sink: EventSink,
    private readonly sessions: UserSessions,
    private readonly wallets: Wallets,
    private readonly positions: Positions,
  ) {}

  /** Places an order from a logged-in user, sized from their balance, and plans its lifecycle. */
  place(market: Market, side: OrderSide, strategy: Strategy | undefined): void {
    const user = this.sessions.pickOnline();
    if (!user) return;
    const actor = { userId: user.id, sessionId: user.session!.id };
    const type = this.random.chance(LIMIT_SHARE) ? "LIMIT" : "MARKET";
    const price = type === "MARKET" ? (side === "BUY" ? market.ask : market.bid) : this.limitPrice(market, side);
    const lockAsset = side === "BUY" ? market.quoteAsset : market.baseAsset;
    const balance = this.wallets.balance(user.wallet, lockAsset);
    const budget = balance.free * this.random.between(0.005, 0.08);
    const units = Math.max(1, Math.floor((side === "BUY" ? budget / price : budget) * market.quantityScale));
    const quantity = units / market.quantityScale;
    const feeRate = type === "LIMIT" ? MAKER_FEE : TAKER_FEE;
    const buffer = type === "MARKET" ? MARKET_BUY_LOCK_BUFFER : 1;
    const lock = side === "BUY" ? quantity * price * (1 + feeRate) * buffer : quantity;

    let plan = planLifecycle(this.random, type, units);
    if (lock > balance.free) plan = [{ kind: "reject", reason: "insufficient_balance" }];
    const rejected = plan[0]?.kind === "reject";
    if (!rejected) {
      balance.free -= lock;
      balance.locked += lock;
    }
    const order: OpenOrder = {
      id: this.random.uuid(),
      market,
      side,
      type,
      price,
      units,
      remainingUnits: units,
      strategy,
      user,
      actor,
      placedAt: this.sink.nowMs,
      plan,
      planIndex: 0,
      lockAsset,
      lockLeft: rejected ? 0 : lock,
      filledValue: 0,
    };
    const props: KnownEventProperties["order.placed"] = {
      order_id: order.id,
      symbol: market.symbol,
      side,
      order_type: type,
      price,
      quantity,
    };
    if (strategy) props.strategy_id = strategy.spec.id;
    this.sink.emit("order.placed", order.id, props, actor);
    // Market orders and rejections resolve at once; limit orders rest on the book for a while.
    this.schedule(order, type === "MARKET" || rejected ? 1 : this.random.int(1, 40));
  }

  /** Plays the next planned step of every order due in the current step. */
  resolveDue(): void {
    const step = this.sink.step;
    const orders = this.due.get(step);
    if (!orders) return;
    this.due.delete(step);
    for (const order of orders) {
      const action = order.plan[order.planIndex++]!;
      if (action.kind === "fill") {
        this.fill(order, action.units);
        if (order.planIndex < order.plan.length) this.schedule(order, this.random.int(1, 15));
        else if (order.remainingUnits === 0) this.positions.afterFullFill(order);
      } else if (action.kind === "cancel") {
        this.releaseLock(order);
        const props: KnownEventProperties["order.canceled"] = {
          order_id: order.id,
          symbol: order.market.symbol,
          side: order.side,
          remaining_quantity: order.remainingUnits / order.market.quantityScale,
          reason: order.strategy && !order.strategy.running ? "strategy_stopped" : this.random.pick(CANCEL_REASONS),
        };
        if (order.strategy) props.strategy_id = order.strategy.spec.id;
        this.sink.emit("order.canceled", order.id, props, order.actor);
      } else {
        const props: KnownEventProperties["order.rejected"] = {
          order_id: order.id,
          symbol: order.market.symbol,
          side: order.side,
          reason: action.reason,
        };
        if (order.strategy) props.strategy_id = order.strategy.spec.id;
        this.sink.emit("order.rejected", order.id, props, order.actor);
      }
    }
  }

  /** A limit price a little behind the touch, rounded away from the market. */
  private limitPrice(market: Market, side: OrderSide): number {
    // A few bps behind the touch, so slippage against the arrival mid is a few bps too.
    const offset = Math.abs(this.random.normal()) * 0.0004;
    const scale = market.priceScale;
    if (side === "BUY") return Math.max(1, Math.floor(market.bid * (1 - offset) * scale)) / scale;
    return Math.ceil(market.ask * (1 + offset) * scale) / scale;
  }

  private schedule(order: OpenOrder, stepsAhead: number): void {
    const dueStep = this.sink.step + stepsAhead;
    const bucket = this.due.get(dueStep);
    if (bucket) bucket.push(order);
    else this.due.set(dueStep, [order]);
  }

  private fill(order: OpenOrder, units: number): void {
    const market = order.market;
    // Limit orders fill at their limit; market orders take whatever the touch is now.
    const price = order.type === "LIMIT" ? order.price : order.side === "BUY" ? market.ask : market.bid;
    const quantity = units / market.quantityScale;
    const notional = round(price * quantity, QUOTE_SCALE);
    const fee = round(notional * (order.type === "LIMIT" ? MAKER_FEE : TAKER_FEE), QUOTE_SCALE);
    const released = units === order.remainingUnits ? order.lockLeft : (order.lockLeft * units) / order.remainingUnits;
    order.remainingUnits -= units;
    order.lockLeft -= released;
    order.filledValue += price * quantity;

    const quote = this.wallets.balance(order.user.wallet, market.quoteAsset);
    const base = this.wallets.balance(order.user.wallet, market.baseAsset);
    if (order.side === "BUY") {
      quote.locked -= released;
      quote.free += released - notional - fee;
      base.free += quantity;
    } else {
      base.locked -= released;
      quote.free += notional - fee;
    }

    const props: KnownEventProperties["order.filled"] = {
      order_id: order.id,
      symbol: market.symbol,
      side: order.side,
      price,
      quantity,
      notional,
      is_partial: order.remainingUnits > 0,
      remaining_quantity: order.remainingUnits / market.quantityScale,
      fee,
      latency_ms: Math.max(1, this.sink.nowMs - order.placedAt), // steps may share a timestamp
    };
    if (order.strategy) props.strategy_id = order.strategy.spec.id;
    this.sink.emit("order.filled", order.id, props, order.actor);

    if (this.random.chance(BALANCE_UPDATE_CHANCE)) {
      const asset = this.random.chance(0.5) ? market.quoteAsset : market.baseAsset;
      const balance = asset === market.quoteAsset ? quote : base;
      // Clamped and rounded: float dust from proportional lock releases is not a balance.
      const free = round(Math.max(0, balance.free), BALANCE_SCALE);
      const locked = round(Math.max(0, balance.locked), BALANCE_SCALE);
      this.sink.emit("balance.updated", order.user.id, { asset, free, locked }, order.actor);
    }
  }

  private releaseLock(order: OpenOrder): void {
    const balance = this.wallets.balance(order.user.wallet, order.lockAsset);
    balance.locked -= order.lockLeft;
    balance.free += order.lockLeft;
    order.lockLeft = 0;
  }
}
