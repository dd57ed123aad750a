import fc from "fast-check";
import { batchBody, type BodySpec, eventBody, textMutation } from "./hostile-bodies";
import { FUZZ_SCHEMA_TYPES, hostileSchema } from "./hostile-schemas";
import { hostileString, hostileTime, NUMERIC_STRINGS, recentTime } from "./hostile-strings";

// Definitions first, so that the ingester holds them when the Kafka channel sends their events.
export const HTTP_CHANNELS = [
  "POST /api/v1/custom-events",
  "POST /api/v1/events",
  "POST /api/v1/events/batch",
  "GET /api/v1/events",
  "GET /api/v1/metrics",
  "GET /api/v1/events/stats",
  "GET /api/v1/custom-events",
] as const;
export type HttpChannel = (typeof HTTP_CHANNELS)[number];

export interface HttpCase {
  channel: HttpChannel;
  method: "GET" | "POST";
  /** Path and query string exactly as sent (already percent-encoded). */
  path: string;
  headers: Record<string, string>;
  body?: BodySpec;
}

const MB = 1024 * 1024;

/** Mostly JSON; otherwise a type express.json must refuse or a charset it cannot decode. */
const contentType = fc.oneof(
  { weight: 16, arbitrary: fc.constant("application/json") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/json; charset=utf-16",
      "application/json; charset=latin1",
      "application/json; charset=\u00e9",
      "APPLICATION/JSON",
      "application/vnd.api+json",
      "application/json, text/html",
      "text/plain",
      "text/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=fuzz",
      "application/xml",
      "application/octet-stream",
      "*/*",
      ";;;",
      "",
    ),
  },
);

/** Usually none; sometimes an encoding the body does not have, or one nobody knows. */
const contentEncoding = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("gzip", "deflate", "br", "identity", "x-fuzz", "gzip, gzip") });

function postCase(channel: HttpChannel, path: string, body: fc.Arbitrary<BodySpec>): fc.Arbitrary<HttpCase> {
  return fc.record({ type: contentType, encoding: contentEncoding, body }).map(({ type, encoding, body }) => ({
    channel,
    method: "POST" as const,
    path,
    headers: { ...(type ? { "content-type": type } : {}), ...(encoding ? { "content-encoding": encoding } : {}) },
    body,
  }));
}

/** Byte counts for huge bodies: 10 MB (over the API's body limit), or past one Kafka message. */
const hugeHttpBody = fc.oneof(fc.constant(10 * MB), fc.integer({ min: MB + 1, max: 2 * MB }), fc.integer({ min: 200_000, max: 900_000 }));

/** Query values that do not decode: stray and short escapes, encoded NUL, surrogates, overlong forms. */
const MALFORMED_ESCAPES = ["%", "%2", "%zz", "%%", "%00", "%C3%28", "%ED%A0%80", "%C0%80", "%FF", "%E2%82", "%u0041", "+", "%2B", "%26", "%3D", "&", "="];

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (a lone surrogate encodes as U+FFFD). */
export function percentEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

type Pair = [name: string, value: string];

/** Query values: hostile, mostly short enough to pass Node's 16 KB header limit and reach the app. */
const queryValue = fc.oneof({ weight: 6, arbitrary: hostileString.filter((text) => text.length < 2_000) }, { weight: 1, arbitrary: hostileString });

/** `required`: pairs most requests start with (a metric name), so that more of them get past the first check. */
function queryCase(channel: HttpChannel, path: string, known: Record<string, fc.Arbitrary<string>>, required: string[] = []): fc.Arbitrary<HttpCase> {
  const names = Object.keys(known);
  const knownPair = fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), fc.oneof({ weight: 3, arbitrary: known[name]! }, { weight: 2, arbitrary: queryValue })));
  const strangePair = fc.tuple(
    fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "__proto__[polluted]", "constructor[prototype][polluted]", "limit[]", "a[b]", "", "properties.symbol", "properties.__proto__", "properties."), hostileString),
    queryValue,
  );
  const pair: fc.Arbitrary<Pair> = fc.oneof({ weight: 6, arbitrary: knownPair }, { weight: 2, arbitrary: strangePair });
  const encoded = fc.oneof(
    { weight: 8, arbitrary: pair.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom(...MALFORMED_ESCAPES)).map(([name, value]) => `${name}=${value}`) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES, "a", "=", "==", "&&") },
  );
  const start = required.length === 0 ? fc.constant([]) : fc.option(fc.tuple(...required.map((name) => known[name]!.map((value) => `${name}=${percentEncode(value)}`))), { freq: 4, nil: [] });
  return fc.tuple(start, fc.array(encoded, { maxLength: 6 })).map(([first, rest]) => {
    const parts = [...first, ...rest];
    return { channel, method: "GET" as const, path: parts.length > 0 ? `${path}?${parts.join("&")}` : path, headers: {} };
  });
}

/** A cursor in the API's own shape (base64url of "time|id") carrying a time or id nobody issued. */
const forgedCursor = fc
  .tuple(
    fc.oneof(hostileTime, fc.constantFrom("+099999-01-01T00:00:00.000Z", "99999-01-01", "-000001-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z", "NaN", "")),
    fc.oneof(fc.uuid().map(String), fc.constantFrom("", "' or 1=1 --", "00000000-0000-0000-0000-00000000000g", "|", "x".repeat(40))),
  )
  .map(([time, id]) => Buffer.from(`${time}|${id}`, "utf8").toString("base64url"));

/** A custom event definition with a hostile schema, under names only the Kafka channel's events use. */
const definitionBody: fc.Arbitrary<BodySpec> = fc
  .record({
    value: fc.record({ name: fc.constantFrom(...FUZZ_SCHEMA_TYPES), schema: hostileSchema(), description: fc.constantFrom("fuzz", "") }, { requiredKeys: ["name", "schema"] }),
    mutation: fc.oneof({ weight: 9, arbitrary: fc.constant({ kind: "none" } as const) }, { weight: 1, arbitrary: textMutation }),
  })
  .map(({ value, mutation }) => ({ kind: "json" as const, value, mutation }));

const limitValue = fc.oneof(fc.integer({ min: -5, max: 20_000 }).map(String), fc.constantFrom(...NUMERIC_STRINGS));
const timeValue = fc.oneof(recentTime(), hostileTime);

/** One generated request of `channel`. */
export function httpCase(channel: HttpChannel): fc.Arbitrary<HttpCase> {
  switch (channel) {
    case "POST /api/v1/custom-events":
      return postCase(channel, "/api/v1/custom-events", definitionBody);
    case "POST /api/v1/events":
      return postCase(channel, "/api/v1/events", eventBody(hugeHttpBody));
    case "POST /api/v1/events/batch":
      return postCase(channel, "/api/v1/events/batch", batchBody(hugeHttpBody));
    case "GET /api/v1/events":
      return queryCase(channel, "/api/v1/events", {
        start_time: timeValue,
        end_time: timeValue,
        event_type: fc.constantFrom("page.view", "order.placed", "fuzz.hostile", "a.b"),
        user_id: fc.string({ maxLength: 10 }),
        session_id: fc.string({ maxLength: 10 }),
        limit: limitValue,
        cursor: fc.oneof(fc.base64String({ maxLength: 80 }), fc.string({ maxLength: 40 }), forgedCursor),
        "properties.symbol": fc.constantFrom("BTCUSDT", "ETHUSDT"),
      });
    case "GET /api/v1/metrics":
      return queryCase(channel, "/api/v1/metrics", {
        metric_name: fc.constantFrom("events.count.order.placed", "orders.latency_ms", "events.count", "a.b"),
        interval: fc.constantFrom("1m", "5m", "15m", "1h", "1d", "1s", "1w"),
        start_time: timeValue,
        end_time: timeValue,
        dimension: fc.constantFrom("symbol", "event_type", "side", "__proto__"),
        dimension_value: fc.constantFrom("BTCUSDT", "BUY"),
      }, ["metric_name"]);
    case "GET /api/v1/events/stats":
      return queryCase(channel, "/api/v1/events/stats", { start_time: timeValue, end_time: timeValue, limit: limitValue });
    case "GET /api/v1/custom-events":
      return queryCase(channel, "/api/v1/custom-events", { include_inactive: fc.constantFrom("true", "false", "TRUE", "1", "yes") });
  }
}
