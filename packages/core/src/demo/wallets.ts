// Users' balances per asset. A wallet funds an asset the first time it is touched, so users can
// trade any symbol without a setup phase.
import type { MarketWalk } from "./market-walk";
import type { SeededRandom } from "./random";

export interface Balance {
  free: number;
  locked: number;
}

export type Wallet = Map<string, Balance>;

export class Wallets {
  constructor(
    private readonly random: SeededRandom,
    private readonly walk: MarketWalk,
  ) {}

  /** The wallet's balance of an asset, funded on first use with a plausible starting amount. */
  balance(wallet: Wallet, asset: string): Balance {
    let balance = wallet.get(asset);
    if (!balance) {
      const market = this.walk.byBaseAsset(asset);
      const value = market ? 3_000 * Math.exp(0.9 * this.random.normal()) : 20_000 * Math.exp(0.8 * this.random.normal());
      balance = { free: market ? value / market.price : value, locked: 0 };
      wallet.set(asset, balance);
    }
    return balance;
  }
}
