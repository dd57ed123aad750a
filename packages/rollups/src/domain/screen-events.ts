import { MAX_MEASURE_MAGNITUDE, MAX_MEASURE_PRODUCT_MAGNITUDE, measureValueProblem, type SetAsideReason } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";
import type { Measure } from "./rollup-plan";

/** An event the aggregator will not fold, and why. */
export interface Unfoldable {
  event: FoldableEvent;
  reason: SetAsideReason;
  detail: string;
}

export interface Screened {
  foldable: FoldableEvent[];
  setAside: Unfoldable[];
}

/**
 * Splits events into those every rollup can fold and those it cannot: any numeric property a
 * measure reads (alone or as a factor) must be finite and within ±MAX_MEASURE_MAGNITUDE, so every
 * sum, min, max and product folded stays finite (see measure-range.ts).
 */
export function screenEvents(events: readonly FoldableEvent[], measures: readonly Measure[]): Screened {
  const properties = [...new Set(measures.flatMap((measure) => measure.properties))];
  const products = measures.filter((measure) => measure.properties.length > 1);
  const foldable: FoldableEvent[] = [];
  const setAside: Unfoldable[] = [];
  for (const event of events) {
    const problem = measureProblem(event, properties, products);
    if (problem) setAside.push({ event, ...problem });
    else foldable.push(event);
  }
  return { foldable, setAside };
}

function measureProblem(
  event: FoldableEvent,
  properties: readonly string[],
  products: readonly Measure[],
): { reason: SetAsideReason; detail: string } | undefined {
  for (const property of properties) {
    const value = event.properties[property];
    if (typeof value !== "number") continue;
    const problem = measureValueProblem(value);
    if (problem === "not_finite") return { reason: "measure_not_finite", detail: `${property}=${value} is not a finite number` };
    if (problem === "out_of_range") return { reason: "measure_out_of_range", detail: `${property}=${value} is beyond ±${MAX_MEASURE_MAGNITUDE}` };
  }
  // Cannot fail for factors within range; kept so a wider range can never reintroduce Infinity.
  for (const product of products) {
    const value = product.valueOf(event.properties);
    if (value !== undefined && measureValueProblem(value, MAX_MEASURE_PRODUCT_MAGNITUDE) !== undefined) {
      return { reason: "measure_not_finite", detail: `${product.name}=${product.properties.join("×")}=${value} is not finite within ±${MAX_MEASURE_PRODUCT_MAGNITUDE}` };
    }
  }
  return undefined;
}
