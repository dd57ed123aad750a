// The range every numeric measure must lie in to be folded into rollups. The ingest edges
// (HTTP API and ingester) refuse values outside it; the aggregator sets aside any stored event
// that still carries one (events stored before the edges enforced it, or written by other tools).
//
// 1e15: integers up to it are exact in a double (2^53 ≈ 9.007e15), so quantities and prices in
// minor units keep every digit, and it is far above any real price or quantity. A product of
// two measures (notional = price × quantity, traded_value = price × volume) is then at most
// 1e30, and a sum of 1e9 such products at most 1e39: finite with ~269 orders of magnitude to
// spare, so no sum, min, max or product in a rollup can overflow to Infinity or become NaN.

/** Largest magnitude a measure's value (a numeric property rollups read) may have. */
export const MAX_MEASURE_MAGNITUDE = 1e15;

/** Largest magnitude of a product of two measures (MAX_MEASURE_MAGNITUDE squared). */
export const MAX_MEASURE_PRODUCT_MAGNITUDE = MAX_MEASURE_MAGNITUDE * MAX_MEASURE_MAGNITUDE;

/** Why a number cannot be a measure's value, or undefined when it can. */
export type MeasureValueProblem = "not_finite" | "out_of_range";

export function measureValueProblem(value: number, maxMagnitude = MAX_MEASURE_MAGNITUDE): MeasureValueProblem | undefined {
  if (!Number.isFinite(value)) return "not_finite";
  return Math.abs(value) > maxMagnitude ? "out_of_range" : undefined;
}
