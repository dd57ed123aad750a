// An order's outcome is decided when it is placed, as a list of steps to play out later; deciding
// up front keeps fills summing exactly to the quantity and nothing happening after the last step.
import type { SeededRandom } from "./random";

export type OrderType = "LIMIT" | "MARKET";

export type OrderStep = { kind: "fill"; units: number } | { kind: "cancel" } | { kind: "reject"; reason: string };

// Cumulative [filled, partially filled, canceled] probabilities; the rest are rejected.
// Limit orders carry all cancels so the overall mix is ~60/15/15/10.
const LIMIT_OUTCOMES = [0.514, 0.685, 0.9] as const;
const MARKET_OUTCOMES = [0.8, 0.9, 0.9] as const;
const REJECT_REASONS = ["insufficient_balance", "price_out_of_band", "rate_limited", "max_open_orders"];

/** The steps an order of `units` whole quantity units will go through. */
export function planLifecycle(random: SeededRandom, type: OrderType, units: number): OrderStep[] {
  const [filled, partial, canceled] = type === "LIMIT" ? LIMIT_OUTCOMES : MARKET_OUTCOMES;
  const r = random.next();
  if (r < filled) return [{ kind: "fill", units }];
  if (r < partial) return splitUnits(random, units, random.int(2, 3)).map((u) => ({ kind: "fill", units: u }));
  if (r < canceled) {
    if (units < 2 || random.chance(0.5)) return [{ kind: "cancel" }];
    const filledUnits = Math.min(units - 1, Math.max(1, Math.round(units * random.between(0.1, 0.7))));
    return [{ kind: "fill", units: filledUnits }, { kind: "cancel" }];
  }
  return [{ kind: "reject", reason: random.pick(REJECT_REASONS) }];
}

/** Splits whole quantity units into up to `parts` positive parts; integers keep the sum exact. */
function splitUnits(random: SeededRandom, total: number, parts: number): number[] {
  const count = Math.min(parts, total);
  const result: number[] = [];
  let left = total;
  for (let i = count; i > 1; i--) {
    const part = Math.min(left - (i - 1), Math.max(1, Math.round(left * random.between(0.25, 0.65))));
    result.push(part);
    left -= part;
  }
  result.push(left);
  return result;
}
