// Per-symbol prices on a geometric random walk, quoted on a tick grid, with alerts on big moves.
// Every symbol is quoted at least every QUOTE_REFRESH_MS of event time, so orders and fills always
// have a recent quote to be measured against, except during the occasional feed gap.
import type { EventSink } from "./event-sink";
import { decimalsScale } from "./fixed-point";
import type { SeededRandom } from "./random";

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

const JUMP_CHANCE = 0.0004; // crypto returns have fat tails: rare jumps on top of the walk
const JUMP_VOLATILITY = 0.015;
const ALERT_MOVE = 0.01; // alert when a symbol moved this much since its last alert
const CRITICAL_MOVE = 0.025;
const QUOTE_REFRESH_MS = 1_500;
// Now and then one symbol's feed goes silent (the market-data health panel's gaps); its market
// stands still meanwhile, so the last quote stays the price orders are priced and measured at.
const GAP_EVERY_MS: readonly [number, number] = [4 * 60_000, 12 * 60_000];
const GAP_LENGTH_MS: readonly [number, number] = [20_000, 90_000];

export interface Market {
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
  /** Event time of the last quote emitted; -Infinity before the first. */
  quotedAt: number;
  /** The feed is silent until this event time. */
  silentUntil: number;
}

export class MarketWalk {
  readonly markets: Market[];
  private readonly marketByBase = new Map<string, Market>();
  private nextGapAt = NaN;

  constructor(
    private readonly random: SeededRandom,
    private readonly sink: EventSink,
    symbols: readonly SymbolSpec[],
  ) {
    this.markets = symbols.map((spec) => this.createMarket(spec));
    for (const market of this.markets) this.marketByBase.set(market.baseAsset, market);
  }

  /** The market trading `asset` as its base asset, if any. */
  byBaseAsset(asset: string): Market | undefined {
    return this.marketByBase.get(asset);
  }

  /** Moves one random symbol's price and emits its quote, plus an alert if it moved far enough. */
  tick(): void {
    const market = this.random.pick(this.markets);
    if (this.sink.nowMs < market.silentUntil) return;
    this.move(market);
  }

  /** Quotes every symbol not quoted for QUOTE_REFRESH_MS (unless its feed is in a gap), and starts the next gap when due. */
  refresh(): void {
    const now = this.sink.nowMs;
    if (Number.isNaN(this.nextGapAt)) this.nextGapAt = now + this.random.between(...GAP_EVERY_MS);
    else if (now >= this.nextGapAt) {
      this.random.pick(this.markets).silentUntil = now + this.random.between(...GAP_LENGTH_MS);
      this.nextGapAt = now + this.random.between(...GAP_EVERY_MS);
    }
    for (const market of this.markets) {
      if (now - market.quotedAt >= QUOTE_REFRESH_MS && now >= market.silentUntil) this.move(market);
    }
  }

  private move(market: Market): void {
    let logReturn = market.volatility * this.random.normal();
    if (this.random.chance(JUMP_CHANCE)) logReturn += JUMP_VOLATILITY * this.random.normal();
    market.mid *= Math.exp(logReturn);
    this.quote(market);
    market.quotedAt = this.sink.nowMs;
    const volumeUnits = Math.round((5_000 * Math.exp(this.random.normal())) / market.price * market.quantityScale);
    this.sink.emit("market.data.update", market.symbol, {
      symbol: market.symbol,
      price: market.price,
      bid: market.bid,
      ask: market.ask,
      volume: Math.max(1, volumeUnits) / market.quantityScale,
    });

    const move = market.price / market.alertAnchor - 1;
    if (Math.abs(move) >= ALERT_MOVE) {
      const percent = `${move > 0 ? "+" : ""}${(move * 100).toFixed(2)}%`;
      this.sink.emit("alert.triggered", market.symbol, {
        alert_id: this.random.uuid(),
        severity: Math.abs(move) >= CRITICAL_MOVE ? "critical" : "warning",
        message: `${market.symbol} moved ${percent} since ${market.alertAnchor}`,
        symbol: market.symbol,
      });
      market.alertAnchor = market.price;
    }
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
      quotedAt: -Infinity,
      silentUntil: -Infinity,
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
}
