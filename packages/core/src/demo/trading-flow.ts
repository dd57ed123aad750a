// Deterministic, realistic trading traffic for demos, tests and benchmarks: market ticks on a
// geometric random walk, orders whose lifecycles stay consistent (placed before filled, fills
// summing to the quantity), strategies, positions, balances and user sessions. Pure: no I/O.
import {
  type KnownEventProperties,
  type KnownEventType,
  type OrderSide,
  topicForEventType,
  type WireEvent,
} from "../models";
import { SeededRandom } from "./random";

export interface SymbolSpec {
  symbol: string;
  /** Starting price, in the quote asset. */
  price: number;
  /** Standard deviation of the log return per tick; default 0.0006. */
  volatility?: number;
  /** Default: the symbol without its quote suffix ("BTCUSDT" → "BTC"). */
  baseAsset?: string;
  /** Default: "USDT". */
  quoteAsset?: string;
}

export interface StrategySpec {
  id: string;
  name: string;
}

export interface TradingFlowOptions {
  seed: number;
  symbols?: readonly SymbolSpec[];
  strategies?: readonly StrategySpec[];
  users?: number;
  /** Where take() starts unless told; a fixed default so output never depends on the clock. */
  startTime?: Date;
}

export interface GeneratedEvent {
  topic: string;
  /** Kafka key: order_id, symbol, user_id, strategy_id or position_id, so related events share a partition. */
  key: string;
  event: WireEvent;
}

export const DEFAULT_SYMBOLS: readonly SymbolSpec[] = [
  { symbol: "BTCUSDT", price: 64_250, volatility: 0.0004 },
  { symbol: "ETHUSDT", price: 3_420, volatility: 0.0005 },
  { symbol: "SOLUSDT", price: 148.6, volatility: 0.0008 },
  { symbol: "BNBUSDT", price: 587.3, volatility: 0.0005 },
  { symbol: "XRPUSDT", price: 0.5213, volatility: 0.0007 },
  { symbol: "ADAUSDT", price: 0.4471, volatility: 0.0007 },
  { symbol: "DOGEUSDT", price: 0.1532, volatility: 0.001 },
  { symbol: "AVAXUSDT", price: 35.82, volatility: 0.0008 },
];

export const DEFAULT_STRATEGIES: readonly StrategySpec[] = [
  { id: "strat-momentum", name: "Momentum breakout" },
  { id: "strat-mean-reversion", name: "Mean reversion" },
  { id: "strat-market-making", name: "Market making" },
  { id: "strat-trend-following", name: "Trend following" },
  { id: "strat-stat-arb", name: "Statistical arbitrage" },
];

const DEFAULT_START_TIME = new Date("2024-01-01T00:00:00.000Z");
const DEFAULT_USERS = 50;
const DEFAULT_STEP_MS = 100;

// Share of steps given to each activity, tuned so ticks are ~45% of events once the order
// lifecycle events that follow placements are counted.
const TICK_SHARE = 0.59;
const USER_SHARE = 0.24;
const SIGNAL_SHARE = 0.1;
const MANUAL_ORDER_SHARE = 0.069;
// The rest of the steps start or stop a strategy.

const JUMP_CHANCE = 0.0004; // crypto returns have fat tails: rare jumps on top of the walk
const JUMP_VOLATILITY = 0.015;
const ALERT_MOVE = 0.01; // alert when a symbol moved this much since its last alert
const CRITICAL_MOVE = 0.025;
const SESSION_TURNOVER = 0.06; // per-user login/logout weight; online ≈ offline in steady state
const BROWSE_WEIGHT = 15;
const LIMIT_SHARE = 0.7;
// Cumulative [filled, partially filled, canceled] probabilities; the rest are rejected.
// Limit orders carry all cancels so the overall mix is ~60/15/15/10.
const LIMIT_OUTCOMES = [0.514, 0.685, 0.9] as const;
const MARKET_OUTCOMES = [0.8, 0.9, 0.9] as const;
const MAKER_FEE = 0.0002;
const TAKER_FEE = 0.001;
const MARKET_BUY_LOCK_BUFFER = 1.02; // a market buy may fill above the quote it was sized on
const BALANCE_UPDATE_CHANCE = 0.3;
const POSITION_CHANCE = 0.5;
const QUOTE_SCALE = 1e6; // notional, fee and pnl in quote currency, to 6 decimals
const BALANCE_SCALE = 1e8;

const REJECT_REASONS = ["insufficient_balance", "price_out_of_band", "rate_limited", "max_open_orders"];
const CANCEL_REASONS = ["user_requested", "user_requested", "expired"];
const STOP_REASONS = ["manual", "risk_limit_breached", "deploy"];
const LOGIN_METHODS = ["password", "password", "sso", "api_key"];
const CLIENTS = ["web", "web", "desktop", "ios", "android"];
const STATIC_PAGES = ["/dashboard", "/orders", "/portfolio", "/alerts", "/settings"];
const BUTTONS = ["place-order", "cancel-order", "refresh", "export-csv", "toggle-chart", "start-strategy"];

interface Market {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  volatility: number;
  /** Prices are whole ticks of 1 / priceScale; quantities whole units of 1 / quantityScale. */
  priceScale: number;
  quantityScale: number;
  mid: number;
  price: number;
  bid: number;
  ask: number;
  alertAnchor: number;
}

interface Balance {
  free: number;
  locked: number;
}

interface Session {
  id: string;
  startedAt: number;
  path: string;
}

interface User {
  id: string;
  session: Session | null;
  /** Index in whichever of `online` / `offline` holds the user, for O(1) moves. */
  slot: number;
  wallet: Map<string, Balance>;
}

interface Actor {
  userId: string;
  sessionId: string | null;
}

type OrderStep = { kind: "fill"; units: number } | { kind: "cancel" } | { kind: "reject"; reason: string };

interface OpenOrder {
  id: string;
  market: Market;
  side: OrderSide;
  type: "LIMIT" | "MARKET";
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

interface Strategy {
  spec: StrategySpec;
  running: boolean;
}

interface Position {
  props: KnownEventProperties["position.opened"];
  actor: Actor;
}

// "000Z" … "999Z": with the second's prefix cached, formatting a timestamp is one concatenation.
const MILLIS_SUFFIXES = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, "0")}Z`);

const round = (value: number, scale: number): number => Math.round(value * scale) / scale;
const decimalsScale = (decimals: number): number => 10 ** Math.min(8, Math.max(0, decimals));

export class TradingFlow {
  private readonly random: SeededRandom;
  private readonly markets: Market[];
  private readonly marketByBase = new Map<string, Market>();
  private readonly strategies: Strategy[];
  private readonly online: User[] = [];
  private readonly offline: User[] = [];
  private readonly pages: string[];
  private readonly startTime: Date;
  /** Orders waiting for their next lifecycle event, by the step it is due in. */
  private readonly due = new Map<number, OpenOrder[]>();
  /** At most one open position per strategy and symbol. */
  private readonly positions = new Map<string, Position>();
  private step = 0;
  private nowMs = 0;
  private nowIso = "";
  /** toISOString() costs more than generating a step, so the "YYYY-MM-DDTHH:MM:SS." part is reused. */
  private isoSecond = NaN;
  private isoPrefix = "";
  private out: GeneratedEvent[] = [];

  constructor(options: TradingFlowOptions) {
    const symbols = options.symbols ?? DEFAULT_SYMBOLS;
    const strategies = options.strategies ?? DEFAULT_STRATEGIES;
    const userCount = options.users ?? DEFAULT_USERS;
    if (symbols.length === 0) throw new RangeError("TradingFlow needs at least one symbol");
    if (strategies.length === 0) throw new RangeError("TradingFlow needs at least one strategy");
    if (!Number.isInteger(userCount) || userCount < 1) throw new RangeError("TradingFlow needs at least one user");
    for (const spec of symbols) {
      if (!(spec.price > 0)) throw new RangeError(`${spec.symbol}: price must be positive`);
    }

    this.random = new SeededRandom(options.seed);
    this.startTime = options.startTime ?? DEFAULT_START_TIME;
    this.markets = symbols.map((spec) => this.createMarket(spec));
    for (const market of this.markets) this.marketByBase.set(market.baseAsset, market);
    this.strategies = strategies.map((spec) => ({ spec, running: false }));
    for (let i = 1; i <= userCount; i++) {
      this.offline.push({ id: `user-${String(i).padStart(3, "0")}`, session: null, slot: i - 1, wallet: new Map() });
    }
    this.pages = [
      ...STATIC_PAGES,
      ...this.markets.map((m) => `/markets/${m.symbol}`),
      ...strategies.map((s) => `/strategies/${s.id}`),
    ];
  }

  /** The events of the next step: the first starts every strategy; later ones emit one to a few events. */
  next(now: Date): GeneratedEvent[] {
    const events: GeneratedEvent[] = [];
    this.runStep(now.getTime(), events);
    return events;
  }

  /** Steps from `start`, `stepMs` apart, until at least `n` events have been produced. */
  take(n: number, start: Date = this.startTime, stepMs: number = DEFAULT_STEP_MS): GeneratedEvent[] {
    if (!(stepMs >= 0)) throw new RangeError("stepMs must be >= 0");
    const events: GeneratedEvent[] = [];
    const startMs = start.getTime();
    for (let i = 0; events.length < n; i++) this.runStep(startMs + i * stepMs, events);
    return events;
  }

  /** Appends one step's events to `out`. */
  private runStep(nowMs: number, out: GeneratedEvent[]): void {
    this.out = out;
    this.nowMs = nowMs;
    this.nowIso = this.formatTimestamp(nowMs);
    const step = this.step++;
    if (step === 0) {
      for (const strategy of this.strategies) this.setRunning(strategy, true, "initial_deploy");
      return;
    }
    this.resolveDueOrders(step);

    const r = this.random.next();
    if (r < TICK_SHARE) this.tick();
    else if (r < TICK_SHARE + USER_SHARE) this.userActivity();
    else if (r < TICK_SHARE + USER_SHARE + SIGNAL_SHARE) this.signal();
    else if (r < TICK_SHARE + USER_SHARE + SIGNAL_SHARE + MANUAL_ORDER_SHARE) {
      const side = this.random.chance(0.5) ? "BUY" : "SELL";
      this.placeOrder(this.random.pick(this.markets), side, undefined);
    } else this.toggleStrategy();
  }

  private formatTimestamp(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    }
    return this.isoPrefix + MILLIS_SUFFIXES[ms - second * 1000]!;
  }

  private createMarket(spec: SymbolSpec): Market {
    const magnitude = Math.floor(Math.log10(spec.price));
    const quoteAsset = spec.quoteAsset ?? "USDT";
    const stripped = spec.symbol.endsWith(quoteAsset) ? spec.symbol.slice(0, -quoteAsset.length) : "";
    const market: Market = {
      symbol: spec.symbol,
      baseAsset: spec.baseAsset ?? (stripped || spec.symbol),
      quoteAsset,
      volatility: spec.volatility ?? 0.0006,
      // About six significant digits of price, and quantity steps worth about a cent.
      priceScale: decimalsScale(Math.max(2, 5 - magnitude)),
      quantityScale: decimalsScale(magnitude + 2),
      mid: spec.price,
      price: 0,
      bid: 0,
      ask: 0,
      alertAnchor: spec.price,
    };
    this.quote(market);
    return market;
  }

  /** Rounds the mid to the tick grid and puts bid and ask at least one tick either side. */
  private quote(market: Market): void {
    const scale = market.priceScale;
    const halfSpread = Math.max(1, Math.round(market.mid * this.random.between(0.3e-4, 1.5e-4) * scale));
    const priceTicks = Math.max(halfSpread + 1, Math.round(market.mid * scale));
    market.price = priceTicks / scale;
    market.bid = (priceTicks - halfSpread) / scale;
    market.ask = (priceTicks + halfSpread) / scale;
  }

  private tick(): void {
    const market = this.random.pick(this.markets);
    let logReturn = market.volatility * this.random.normal();
    if (this.random.chance(JUMP_CHANCE)) logReturn += JUMP_VOLATILITY * this.random.normal();
    market.mid *= Math.exp(logReturn);
    this.quote(market);
    const volumeUnits = Math.round((5_000 * Math.exp(this.random.normal())) / market.price * market.quantityScale);
    this.emit("market.data.update", market.symbol, {
      symbol: market.symbol,
      price: market.price,
      bid: market.bid,
      ask: market.ask,
      volume: Math.max(1, volumeUnits) / market.quantityScale,
    });

    const move = market.price / market.alertAnchor - 1;
    if (Math.abs(move) >= ALERT_MOVE) {
      const percent = `${move > 0 ? "+" : ""}${(move * 100).toFixed(2)}%`;
      this.emit("alert.triggered", market.symbol, {
        alert_id: this.random.uuid(),
        severity: Math.abs(move) >= CRITICAL_MOVE ? "critical" : "warning",
        message: `${market.symbol} moved ${percent} since ${market.alertAnchor}`,
        symbol: market.symbol,
      });
      market.alertAnchor = market.price;
    }
  }

  private userActivity(): void {
    const loginWeight = this.offline.length * SESSION_TURNOVER;
    const logoutWeight = this.online.length * SESSION_TURNOVER;
    const browseWeight = this.online.length > 0 ? BROWSE_WEIGHT : 0;
    const r = this.random.next() * (loginWeight + logoutWeight + browseWeight);
    if (r < loginWeight) return this.login(this.random.pick(this.offline));
    const user = this.random.pick(this.online);
    const session = user.session!;
    const actor = { userId: user.id, sessionId: session.id };
    if (r < loginWeight + logoutWeight) {
      this.emit("user.logout", user.id, { session_duration_s: Math.round((this.nowMs - session.startedAt) / 1000) }, actor);
      user.session = null;
      this.moveUser(user, this.online, this.offline);
    } else if (this.random.chance(0.6)) {
      const path = this.random.pick(this.pages);
      this.emit("page.view", user.id, { path, referrer: session.path }, actor);
      session.path = path;
    } else {
      this.emit("button.click", user.id, { button_id: this.random.pick(BUTTONS), path: session.path }, actor);
    }
  }

  private login(user: User): void {
    user.session = { id: this.random.uuid(), startedAt: this.nowMs, path: "/dashboard" };
    this.moveUser(user, this.offline, this.online);
    const actor = { userId: user.id, sessionId: user.session.id };
    this.emit("user.login", user.id, { method: this.random.pick(LOGIN_METHODS), client: this.random.pick(CLIENTS) }, actor);
  }

  private moveUser(user: User, from: User[], to: User[]): void {
    const last = from.pop()!;
    if (last !== user) {
      from[user.slot] = last;
      last.slot = user.slot;
    }
    user.slot = to.length;
    to.push(user);
  }

  private signal(): void {
    const running = this.strategies.filter((s) => s.running);
    if (running.length === 0) return this.toggleStrategy();
    const strategy = this.random.pick(running);
    const market = this.random.pick(this.markets);
    const r = this.random.next();
    const direction = r < 0.42 ? "LONG" : r < 0.84 ? "SHORT" : "FLAT";
    const strength = round(this.random.next(), 1000);
    this.emit("signal.generated", strategy.spec.id, {
      signal_id: this.random.uuid(),
      strategy_id: strategy.spec.id,
      symbol: market.symbol,
      direction,
      strength,
    });
    // Stronger signals are more often acted on.
    if (direction !== "FLAT" && this.random.chance(0.3 + 0.6 * strength)) {
      this.placeOrder(market, direction === "LONG" ? "BUY" : "SELL", strategy);
    }
  }

  private toggleStrategy(): void {
    const stopped = this.strategies.filter((s) => !s.running);
    const running = this.strategies.filter((s) => s.running);
    if (stopped.length > 0 && (running.length <= 1 || this.random.chance(0.6))) {
      this.setRunning(this.random.pick(stopped), true, "restart");
    } else {
      const strategy = this.random.pick(running);
      const reason = this.random.pick(STOP_REASONS);
      this.setRunning(strategy, false, reason);
      if (reason === "risk_limit_breached") {
        const message = `${strategy.spec.id} stopped: risk limit breached`;
        this.emit("alert.triggered", strategy.spec.id, { alert_id: this.random.uuid(), severity: "info", message });
      }
    }
  }

  private setRunning(strategy: Strategy, running: boolean, reason: string): void {
    strategy.running = running;
    const { id, name } = strategy.spec;
    this.emit(running ? "strategy.started" : "strategy.stopped", id, { strategy_id: id, name, reason });
  }

  /** Places an order from a logged-in user, sized from their balance, and plans its lifecycle. */
  private placeOrder(market: Market, side: OrderSide, strategy: Strategy | undefined): void {
    if (this.online.length === 0) return;
    const user = this.random.pick(this.online);
    const actor = { userId: user.id, sessionId: user.session!.id };
    const type = this.random.chance(LIMIT_SHARE) ? "LIMIT" : "MARKET";
    const price = type === "MARKET" ? (side === "BUY" ? market.ask : market.bid) : this.limitPrice(market, side);
    const lockAsset = side === "BUY" ? market.quoteAsset : market.baseAsset;
    const balance = this.balance(user, lockAsset);
    const budget = balance.free * this.random.between(0.005, 0.08);
    const units = Math.max(1, Math.floor((side === "BUY" ? budget / price : budget) * market.quantityScale));
    const quantity = units / market.quantityScale;
    const feeRate = type === "LIMIT" ? MAKER_FEE : TAKER_FEE;
    const buffer = type === "MARKET" ? MARKET_BUY_LOCK_BUFFER : 1;
    const lock = side === "BUY" ? quantity * price * (1 + feeRate) * buffer : quantity;

    let plan = this.planLifecycle(type, units);
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
      placedAt: this.nowMs,
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
    this.emit("order.placed", order.id, props, actor);
    // Market orders and rejections resolve at once; limit orders rest on the book for a while.
    this.schedule(order, type === "MARKET" || rejected ? 1 : this.random.int(1, 40));
  }

  /** A limit price a little behind the touch, rounded away from the market. */
  private limitPrice(market: Market, side: OrderSide): number {
    const offset = Math.abs(this.random.normal()) * 0.0015;
    const scale = market.priceScale;
    if (side === "BUY") return Math.max(1, Math.floor(market.bid * (1 - offset) * scale)) / scale;
    return Math.ceil(market.ask * (1 + offset) * scale) / scale;
  }

  private planLifecycle(type: "LIMIT" | "MARKET", units: number): OrderStep[] {
    const [filled, partial, canceled] = type === "LIMIT" ? LIMIT_OUTCOMES : MARKET_OUTCOMES;
    const r = this.random.next();
    if (r < filled) return [{ kind: "fill", units }];
    if (r < partial) return this.splitUnits(units, this.random.int(2, 3)).map((u) => ({ kind: "fill", units: u }));
    if (r < canceled) {
      if (units < 2 || this.random.chance(0.5)) return [{ kind: "cancel" }];
      const filledUnits = Math.min(units - 1, Math.max(1, Math.round(units * this.random.between(0.1, 0.7))));
      return [{ kind: "fill", units: filledUnits }, { kind: "cancel" }];
    }
    return [{ kind: "reject", reason: this.random.pick(REJECT_REASONS) }];
  }

  /** Splits whole quantity units into up to `parts` positive parts; integers keep the sum exact. */
  private splitUnits(total: number, parts: number): number[] {
    const count = Math.min(parts, total);
    const result: number[] = [];
    let left = total;
    for (let i = count; i > 1; i--) {
      const part = Math.min(left - (i - 1), Math.max(1, Math.round(left * this.random.between(0.25, 0.65))));
      result.push(part);
      left -= part;
    }
    result.push(left);
    return result;
  }

  private schedule(order: OpenOrder, stepsAhead: number): void {
    const dueStep = this.step - 1 + stepsAhead;
    const bucket = this.due.get(dueStep);
    if (bucket) bucket.push(order);
    else this.due.set(dueStep, [order]);
  }

  private resolveDueOrders(step: number): void {
    const orders = this.due.get(step);
    if (!orders) return;
    this.due.delete(step);
    for (const order of orders) {
      const action = order.plan[order.planIndex++]!;
      if (action.kind === "fill") {
        this.fill(order, action.units);
        if (order.planIndex < order.plan.length) this.schedule(order, this.random.int(1, 15));
        else if (order.remainingUnits === 0) this.afterFullFill(order);
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
        this.emit("order.canceled", order.id, props, order.actor);
      } else {
        const props: KnownEventProperties["order.rejected"] = {
          order_id: order.id,
          symbol: order.market.symbol,
          side: order.side,
          reason: action.reason,
        };
        if (order.strategy) props.strategy_id = order.strategy.spec.id;
        this.emit("order.rejected", order.id, props, order.actor);
      }
    }
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

    const quote = this.balance(order.user, market.quoteAsset);
    const base = this.balance(order.user, market.baseAsset);
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
      latency_ms: Math.max(1, this.nowMs - order.placedAt), // steps may share a timestamp
    };
    if (order.strategy) props.strategy_id = order.strategy.spec.id;
    this.emit("order.filled", order.id, props, order.actor);

    if (this.random.chance(BALANCE_UPDATE_CHANCE)) {
      const asset = this.random.chance(0.5) ? market.quoteAsset : market.baseAsset;
      const balance = asset === market.quoteAsset ? quote : base;
      // Clamped and rounded: float dust from proportional lock releases is not a balance.
      const free = round(Math.max(0, balance.free), BALANCE_SCALE);
      const locked = round(Math.max(0, balance.locked), BALANCE_SCALE);
      this.emit("balance.updated", order.user.id, { asset, free, locked }, order.actor);
    }
  }

  private releaseLock(order: OpenOrder): void {
    const balance = this.balance(order.user, order.lockAsset);
    balance.locked -= order.lockLeft;
    balance.free += order.lockLeft;
    order.lockLeft = 0;
  }

  /** A filled strategy order sometimes opens a position, or closes the strategy's opposite one. */
  private afterFullFill(order: OpenOrder): void {
    if (!order.strategy || !this.random.chance(POSITION_CHANCE)) return;
    const strategyId = order.strategy.spec.id;
    const market = order.market;
    const key = `${strategyId}|${market.symbol}`;
    const position = this.positions.get(key);
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
      this.positions.set(key, { props, actor: order.actor });
      this.emit("position.opened", props.position_id, props, order.actor);
    } else if (position.props.side !== side) {
      // Adding to a position is not modelled; only an opposite fill closes it.
      const open = position.props;
      const direction = open.side === "LONG" ? 1 : -1;
      const realizedPnl = round((averagePrice - open.entry_price) * open.quantity * direction, QUOTE_SCALE);
      this.positions.delete(key);
      const closed = { ...open, exit_price: averagePrice, realized_pnl: realizedPnl };
      this.emit("position.closed", open.position_id, closed, position.actor);
    }
  }

  /** A user's balance of an asset, funded on first use with a plausible starting amount. */
  private balance(user: User, asset: string): Balance {
    let balance = user.wallet.get(asset);
    if (!balance) {
      const market = this.marketByBase.get(asset);
      const value = market ? 3_000 * Math.exp(0.9 * this.random.normal()) : 20_000 * Math.exp(0.8 * this.random.normal());
      balance = { free: market ? value / market.price : value, locked: 0 };
      user.wallet.set(asset, balance);
    }
    return balance;
  }

  private emit<T extends KnownEventType>(type: T, key: string, properties: KnownEventProperties[T], actor?: Actor): void {
    const event: WireEvent = actor
      ? {
          event_id: this.random.uuid(),
          event_type: type,
          user_id: actor.userId,
          session_id: actor.sessionId,
          properties: properties as unknown as Record<string, unknown>,
          timestamp: this.nowIso,
        }
      : {
          event_id: this.random.uuid(),
          event_type: type,
          properties: properties as unknown as Record<string, unknown>,
          timestamp: this.nowIso,
        };
    this.out.push({ topic: topicForEventType(type), key, event });
  }
}
