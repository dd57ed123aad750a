import fc from "fast-check";
import { FRESH_ID } from "./hostile-events";

// Events that look like trading events but carry the numbers and times that once froze the
// rollups: measures whose product or sum overflows, tiny and huge values in one bucket (a
// sketch of thousands of bins), a literal that JSON parses to Infinity, times at the window's edges.

const DAY = 86_400_000;

/** Measures at and past the documented range (±1e15), subnormal and signed zero among them. */
export const extremeMeasure = fc.constantFrom(1e15, -1e15, 1e15 + 2, 1e16, -1e200, 1e200, 1.7976931348623157e308, 5e-324, -5e-324, 1e-300, -0, 0, 2 ** 53 + 1);

/** Times just inside and outside the accepted window (max age 90 days by default, skew 5 minutes). */
export const edgeTime = fc.oneof(
  fc.constantFrom("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z"),
  fc.constantFrom(-89.9, -90.1, 4 / 1440, 6 / 1440, 365).map((days) => new Date(Date.now() + days * DAY).toISOString()),
);

const measureName = fc.constantFrom("price", "quantity", "volume", "latency_ms", "realized_pnl");

/** One event with extreme measures, usually at a recent time so that the aggregator meets it. */
export const extremeEnvelope: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    event_type: fc.constantFrom("order.filled", "market.data.update", "fuzz.trade", "position.closed"),
    measures: fc.dictionary(measureName, extremeMeasure, { minKeys: 1, maxKeys: 3 }),
    symbol: fc.constantFrom("BTCUSDT", "ETHUSDT", "FUZZ"),
    timestamp: fc.oneof({ weight: 4, arbitrary: fc.constant(new Date(Date.now() - 30_000).toISOString()) }, { weight: 1, arbitrary: edgeTime }),
  })
  .map(({ event_type, measures, symbol, timestamp }) => ({ event_id: FRESH_ID, event_type, properties: { symbol, ...measures }, timestamp }));

/**
 * Two fills of one symbol in the same minute, one tiny and one huge: in range each, but together
 * the widest sketch a bucket can get. As a batch, so both land in one rollup bucket.
 */
export const wideningPair: fc.Arbitrary<Record<string, unknown>[]> = fc
  .tuple(fc.constantFrom(1e-300, 5e-324, 1e-9, 0.0001), fc.constantFrom(1e15, 9.99e14, 1e12), fc.constantFrom("price", "quantity", "latency_ms"))
  .map(([tiny, huge, measure]) => {
    const timestamp = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
    return [tiny, huge].map((value) => ({ event_id: FRESH_ID, event_type: "fuzz.trade", properties: { symbol: "WIDE", [measure]: value }, timestamp }));
  });

/** The same with a measure written as a literal that overflows to Infinity when parsed. */
export const overflowLiteralTexts = fc
  .tuple(measureName, fc.constantFrom("1e309", "-1e309", "1E400", `1${"0".repeat(310)}`))
  .map(([measure, literal]) => `{"event_id":"${FRESH_ID}","event_type":"fuzz.trade","properties":{"symbol":"FUZZ","${measure}":${literal}},"timestamp":"${new Date(Date.now() - 30_000).toISOString()}"}`);
