// Trading strategies: started and stopped now and then, emitting signals while running. A signal
// may turn into an order; placing it is left to the caller so strategies know nothing of orders.
import type { OrderSide } from "../models";
import type { EventSink } from "./event-sink";
import { round } from "./fixed-point";
import type { Market, MarketWalk } from "./market-walk";
import type { SeededRandom } from "./random";

export interface StrategySpec {
  id: string;
  name: string;
}

export const DEFAULT_STRATEGIES: readonly StrategySpec[] = [
  { id: "strat-momentum", name: "Momentum breakout" },
  { id: "strat-mean-reversion", name: "Mean reversion" },
  { id: "strat-market-making", name: "Market making" },
  { id: "strat-trend-following", name: "Trend following" },
  { id: "strat-stat-arb", name: "Statistical arbitrage" },
];

const STOP_REASONS = ["manual", "risk_limit_breached", "deploy"];

export interface Strategy {
  spec: StrategySpec;
  running: boolean;
}

/** An order a signal asked for. */
export interface OrderIntent {
  market: Market;
  side: OrderSide;
  strategy: Strategy;
}

export class Strategies {
  private readonly strategies: Strategy[];

  constructor(
    private readonly random: SeededRandom,
    private readonly sink: EventSink,
    private readonly walk: MarketWalk,
    specs: readonly StrategySpec[],
  ) {
    this.strategies = specs.map((spec) => ({ spec, running: false }));
  }

  startAll(): void {
    for (const strategy of this.strategies) this.setRunning(strategy, true, "initial_deploy");
  }

  /** A running strategy's signal, and the order it wants if it acts on it. */
  signal(): OrderIntent | undefined {
    const running = this.strategies.filter((s) => s.running);
    if (running.length === 0) {
      this.toggle();
      return undefined;
    }
    const strategy = this.random.pick(running);
    const market = this.random.pick(this.walk.markets);
    const r = this.random.next();
    const direction = r < 0.42 ? "LONG" : r < 0.84 ? "SHORT" : "FLAT";
    const strength = round(this.random.next(), 1000);
    this.sink.emit("signal.generated", strategy.spec.id, {
      signal_id: this.random.uuid(),
      strategy_id: strategy.spec.id,
      symbol: market.symbol,
      direction,
      strength,
    });
    // Stronger signals are more often acted on.
    if (direction !== "FLAT" && this.random.chance(0.3 + 0.6 * strength)) {
      return { market, side: direction === "LONG" ? "BUY" : "SELL", strategy };
    }
    return undefined;
  }

  /** Restarts a stopped strategy (always, if at most one is running) or stops a running one. */
  toggle(): void {
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
        this.sink.emit("alert.triggered", strategy.spec.id, { alert_id: this.random.uuid(), severity: "info", message });
      }
    }
  }

  private setRunning(strategy: Strategy, running: boolean, reason: string): void {
    strategy.running = running;
    const { id, name } = strategy.spec;
    this.sink.emit(running ? "strategy.started" : "strategy.stopped", id, { strategy_id: id, name, reason });
  }
}
