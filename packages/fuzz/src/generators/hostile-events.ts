import fc from "fast-check";
import { KNOWN_EVENT_TYPES } from "@trading-analytics/core";
import { hostileKey, hostileString, hostileTime, INJECTIONS, longString, recentTime, unstorableString } from "./hostile-strings";

/**
 * Stands for "a fresh event id" in a generated body; replaced by a unique UUID when the body is
 * rendered, so that no two generated events collide on an id by chance (a duplicate would be
 * skipped by design and blur the stored-or-dead-lettered check).
 */
export const FRESH_ID = "<<fresh-event-id>>";

/** JSON values with hostile leaves and keys, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: hostileString },
    { weight: 2, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, true, false, null) },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 5 }) },
    { weight: 3, arbitrary: fc.dictionary(hostileKey, tie("value"), { maxKeys: 6 }) },
  ),
})).value;

/** A properties object: hostile contents, or the shape a known type requires. */
const hostileProperties = fc.dictionary(hostileKey, hostileJson, { maxKeys: 8 });
const orderPlaced = fc.record({
  order_id: fc.oneof(fc.string({ maxLength: 20 }), hostileString),
  symbol: fc.oneof(fc.constantFrom("BTCUSDT", "ETHUSDT"), hostileString),
  side: fc.constantFrom("BUY", "SELL", "buy", "HOLD"),
  order_type: fc.constantFrom("LIMIT", "MARKET"),
  price: fc.oneof(fc.double(), fc.constantFrom(50_000, "50000", "NaN", "Infinity", -1, 0)),
  quantity: fc.oneof(fc.double(), fc.constantFrom(0.1, "0.1", 1e308)),
});
const pageView = fc.record({ path: fc.oneof(fc.constantFrom("/", "/orders"), hostileString) }, { requiredKeys: [] });

const eventType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("fuzz.hostile", "custom.fuzz.signal", "a", "a.b_c.d9") },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_EVENT_TYPES) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(`a${".b".repeat(63)}`, `a${"b".repeat(127)}`, `a${"b".repeat(128)}`, "A.B", "order..placed", 42, null, ["page.view"]) },
);

const idValue = fc.oneof(
  { weight: 6, arbitrary: fc.constant(FRESH_ID) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom("00000000-0000-0000-0000-000000000000", "ZZZZZZZZ-0000-4000-8000-000000000000", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", 1, null) },
);

const userValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, 42, true, "", "x".repeat(256), "x".repeat(257), ["u1"], { id: "u1" }) },
);

const timestampValue = fc.oneof(
  { weight: 4, arbitrary: recentTime() },
  { weight: 4, arbitrary: hostileTime },
  { weight: 1, arbitrary: fc.constantFrom(1_700_000_000_000, null, "NaN", { $date: 0 }) },
);

const propertiesValue = fc.oneof(
  { weight: 5, arbitrary: hostileProperties },
  { weight: 2, arbitrary: orderPlaced },
  { weight: 2, arbitrary: pageView },
  { weight: 1, arbitrary: longString.map((blob) => ({ blob })) },
  { weight: 1, arbitrary: unstorableString.map((text) => ({ [text]: text })) },
  { weight: 1, arbitrary: fc.constantFrom(null, "x", 1, [], [1, 2], "{}") },
);

/** Keys that must never reach Object.prototype, or that the envelope does not know. */
const extraKeys = fc.dictionary(
  fc.constantFrom("__proto__", "constructor", "prototype", "polluted", "source", "received_at", "EVENT_TYPE", "event_type "),
  hostileJson,
  { maxKeys: 2 },
);

/**
 * An envelope the API and the ingester should accept: hostile only inside properties and ids,
 * so that hostile content also travels the whole way to PostgreSQL and back.
 */
export const plausibleEnvelope: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    event_id: fc.constant(FRESH_ID),
    event_type: fc.constantFrom("fuzz.hostile", "custom.fuzz.signal", "a.b_c.d9", "page.view"),
    user_id: fc.oneof(fc.string({ maxLength: 24 }), fc.constantFrom(...INJECTIONS), fc.constant(null)),
    session_id: fc.oneof(fc.string({ unit: "binary", maxLength: 24 }), fc.constant(null)),
    properties: fc.oneof(fc.dictionary(hostileKey, hostileJson, { maxKeys: 8 }), pageView.map((view) => ({ path: "/", ...view }))),
    timestamp: recentTime(),
  },
  { requiredKeys: ["event_type"] },
);

/** An event envelope as a producer might send it: mostly well-formed, with hostile fields. */
export const hostileEnvelope: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      { event_id: idValue, event_type: eventType, user_id: userValue, session_id: userValue, properties: propertiesValue, timestamp: timestampValue },
      { requiredKeys: ["event_type"] },
    ),
    fc.option(extraKeys, { freq: 6, nil: undefined }),
  )
  .map(([envelope, extra]) => (extra ? { ...envelope, ...copyOwn(extra) } : envelope));

/** Own enumerable properties copied with defineProperty, so "__proto__" stays an own key (as JSON.parse makes it). */
function copyOwn(source: Record<string, unknown>): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const key of Object.keys(source)) Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
  return target;
}
