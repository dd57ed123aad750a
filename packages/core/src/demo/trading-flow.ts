// Deterministic, realistic trading traffic for demos, tests and benchmarks: market ticks on a
// geometric random walk, orders whose lifecycles stay consistent (placed before filled, fills
// summing to the quantity), strategies, positions, balances and user sessions. Pure: no I/O.
// Every part draws from one seeded generator, so the order of calls here is part of the output.
import { EventSink, type GeneratedEvent } from "./event-sink";
import { DEFAULT_SYMBOLS, MarketWalk, type SymbolSpec } from "./market-walk";
import { OrderLifecycle } from "./order-lifecycle";
import { Positions } from "./positions";
import { SeededRandom } from "./random";
import { DEFAULT_STRATEGIES, Strategies, type StrategySpec } from "./strategies";
import { UserSessions } from "./user-sessions";
import { Wallets } from "./wallets";

export { DEFAULT_STRATEGIES, DEFAULT_SYMBOLS, type GeneratedEvent, type StrategySpec, type SymbolSpec };

export interface TradingFlowOptions {
  seed: number;
  symbols?: readonly SymbolSpec[];
  strategies?: readonly StrategySpec[];
  users?: number;
  /** Where take() starts unless told; a fixed default so output never depends on the clock. */
  startTime?: Date;
}

const DEFAULT_START_TIME = new Date("2024-01-01T00:00:00.000Z");
const DEFAULT_USERS = 50;
const DEFAULT_STEP_MS = 100;

// Share of steps given to each activity, tuned so quotes are 40-50% of events once the order
// lifecycle events that follow placements (and, at 100 ms steps, the refresh quotes) are counted.
const TICK_SHARE = 0.51;
const USER_SHARE = 0.26;
const SIGNAL_SHARE = 0.13;
const MANUAL_ORDER_SHARE = 0.099;
// The rest of the steps start or stop a strategy.

export class TradingFlow {
  private readonly random: SeededRandom;
  private readonly sink: EventSink;
  private readonly walk: MarketWalk;
  private readonly strategies: Strategies;
  private readonly sessions: UserSessions;
  private readonly orders: OrderLifecycle;
  private readonly startTime: Date;
  private step = 0;

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
    this.sink = new EventSink(this.random);
    this.walk = new MarketWalk(this.random, this.sink, symbols);
    this.strategies = new Strategies(this.random, this.sink, this.walk, strategies);
    const symbolNames = this.walk.markets.map((m) => m.symbol);
    const strategyIds = strategies.map((s) => s.id);
    this.sessions = new UserSessions(this.random, this.sink, userCount, symbolNames, strategyIds);
    const wallets = new Wallets(this.random, this.walk);
    const positions = new Positions(this.random, this.sink);
    this.orders = new OrderLifecycle(this.random, this.sink, this.sessions, wallets, positions);
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
    const step = this.step++;
    this.sink.begin(step, nowMs, out);
    if (step === 0) {
      this.strategies.startAll();
      return;
    }
    const r = this.random.next();
    this.walk.refresh();
    if (r < TICK_SHARE) this.walk.tick();
    // Fills after the step's quotes: the quote in force at a fill's time is the one it was priced at.
    this.orders.resolveDue();
    if (r < TICK_SHARE) return;
    if (r < TICK_SHARE + USER_SHARE) this.sessions.activity();
    else if (r < TICK_SHARE + USER_SHARE + SIGNAL_SHARE) {
      const intent = this.strategies.signal();
      if (intent) this.orders.place(intent.market, intent.side, intent.strategy);
    } else if (r < TICK_SHARE + USER_SHARE + SIGNAL_SHARE + MANUAL_ORDER_SHARE) {
      const side = this.random.chance(0.5) ? "BUY" : "SELL";
      this.orders.place(this.random.pick(this.walk.markets), side, undefined);
    } else this.strategies.toggle();
  }
}
