/**
 * Largest magnitude a measure's value may have (price, quantity, volume, …). A product of two
 * (notional) stays within 1e30 and a sum of a billion of those within 1e39: every rollup figure
 * stays a finite double. Enforced at ingest; the aggregator sets aside anything beyond it.
 */
export const MAX_MEASURE_MAGNITUDE = 1e15;
