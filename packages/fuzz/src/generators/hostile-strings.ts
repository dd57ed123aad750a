import fc from "fast-check";

/** Strings that have broken parsers, queries, shells and pages before. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  "1; SELECT pg_sleep(10)--",
  "%' AND 1=1 --",
  "$1",
  "\\'",
  '"',
  "\\",
  "$(reboot)",
  "`id`",
  "; rm -rf / #",
  "| cat /etc/passwd",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "{{7*7}}",
  "${7*7}",
  "#{7*7}",
  "\r\nSet-Cookie: owned=1",
  '{"$gt": ""}',
  '", "event_type": "order.placed',
  "%00",
  "%s%s%s%n",
  "\\u0000",
  "\\ud800",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "\u202egnp.exe",
  "\ufeff",
  "\u2028\u2029",
  "Z̷̢͎̈́a̸̤͑l̴̰̈́g̵͕̈́o̷̞͆",
  "🚀💸📉",
  "\t\n\r\v\f",
] as const;

/** Characters PostgreSQL cannot store in text or jsonb, or that are not valid Unicode at all. */
export const UNSTORABLE_CHARACTERS = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"] as const;

/** Numbers written as strings, and the non-finite values JSON cannot carry as numbers. */
export const NUMERIC_STRINGS = ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "-0", "0x1F", "1_000", "١٢٣", "9007199254740993", "1e-400", " 42 ", "+1", ".5", "5."] as const;

/**
 * Times a validator may pass but a Date or PostgreSQL may not: year 0, leap seconds, the edges of
 * the JavaScript range, offsets that move a date across a year, calendar nonsense.
 */
export const HOSTILE_TIMES = [
  "0000-01-01T00:00:00Z",
  "0000-12-31T23:59:59Z",
  "0001-01-01T00:00:00Z",
  "0001-01-01T00:30:00+01:00",
  "1969-12-31T23:59:59.999Z",
  "1970-01-01T00:00:00Z",
  "2016-12-31T23:59:60Z",
  "2024-02-29T12:00:00Z",
  "2023-02-29T12:00:00Z",
  "2024-13-01T00:00:00Z",
  "2024-01-32T00:00:00Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T00:00:00+24:00",
  "2024-01-01T00:00:00-23:59",
  "2024-01-01T00:00:00.123456789012Z",
  "2024-01-01T00:00:00",
  "2024-01-01 00:00:00Z",
  "2024-01-01t00:00:00z",
  "2024-01-01",
  "9999-12-31T23:59:59Z",
  "9999-12-31T23:59:59.999-14:00",
  "+275760-09-13T00:00:00Z",
  "-271821-04-20T00:00:00Z",
  "1",
  "0",
  "-1",
  "",
] as const;

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** A string around a lone surrogate or a NUL: valid JSON once escaped, never storable. */
export const unstorableString = fc
  .tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constantFrom(...UNSTORABLE_CHARACTERS), surrogate), fc.string({ maxLength: 8 }))
  .map(([before, bad, after]) => before + bad + after);

/** A long string (a kilobyte to 300,000 characters) of one repeated unit. */
export const longString = fc
  .tuple(fc.constantFrom("x", "é", "🚀", "\\", '"', "<a>", "' OR 1=1 --"), fc.integer({ min: 1_000, max: 300_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** A time as text, plausible or hostile; now and then from the far ends of what a Date can hold. */
export const hostileTime = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TIMES) },
  { weight: 2, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  { weight: 2, arbitrary: recentTime() },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** A time within the last day, the kind that should be stored (millisecond to nanosecond precision). */
export function recentTime(): fc.Arbitrary<string> {
  return fc.integer({ min: 60_000, max: 24 * 3_600_000 }).map((ago) => new Date(Date.now() - ago).toISOString());
}

/** Any string a hostile client might send in a text field. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: unstorableString },
  { weight: 2, arbitrary: fc.constantFrom(...NUMERIC_STRINGS) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: hostileTime },
  { weight: 1, arbitrary: longString },
);

/** Object keys that break naive merges and lookups, plus ordinary ones. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "polluted", "toString", "valueOf", "hasOwnProperty", "__defineGetter__") },
  { weight: 3, arbitrary: fc.constantFrom("symbol", "price", "quantity", "side", "path", "order_id", "a.b", "a[0]", "$where", "", " ", "🔑") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: unstorableString },
);
