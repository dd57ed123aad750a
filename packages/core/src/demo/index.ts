export { type DemoTrafficOptions, produceDemoTraffic } from "./demo-traffic";
export { SeededRandom } from "./random";
export {
  DEFAULT_STRATEGIES,
  DEFAULT_SYMBOLS,
  type GeneratedEvent,
  type StrategySpec,
  type SymbolSpec,
  TradingFlow,
  type TradingFlowOptions,
} from "./trading-flow";
