import fc from "fast-check";
import { FRESH_ID, hostileEnvelope, hostileJson, plausibleEnvelope } from "./hostile-events";
import { hostileKey } from "./hostile-strings";
import { extremeEnvelope, overflowLiteralTexts, wideningPair } from "./trading-extremes";

/** A change made to the JSON text after serialising: things JSON.stringify never writes. */
export type TextMutation =
  | { kind: "none" }
  /** `"key": value,` written first, so the key appears twice (JSON.parse keeps the last). */
  | { kind: "duplicate-key"; key: string; value: unknown }
  /** A bare NaN / Infinity token, which is not JSON. */
  | { kind: "non-finite"; token: string }
  /** Bytes that are not UTF-8 inserted just after a quote at a fraction of the text. */
  | { kind: "invalid-utf8"; bytes: number[]; at: number }
  | { kind: "bom" }
  | { kind: "truncate"; at: number }
  | { kind: "trailing"; text: string };

/** A request or message body, kept small until it is rendered (huge ones are built on demand). */
export type BodySpec =
  | { kind: "json"; value: unknown; mutation: TextMutation }
  /** An envelope whose properties nest `depth` levels of objects or arrays. */
  | { kind: "deep"; depth: number; shape: "object" | "array" }
  /** A valid envelope padded with one string property to about `bytes` bytes. */
  | { kind: "huge"; bytes: number }
  | { kind: "raw"; text: string }
  | { kind: "bytes"; bytes: number[] };

const INVALID_UTF8 = [[0xc3, 0x28], [0xff], [0xfe, 0xff], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]];

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ kind: "none" } as const) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate-key" as const), key: fc.oneof(fc.constantFrom("event_type", "event_id", "properties", "timestamp", "__proto__", "events"), hostileKey), value: hostileJson }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("non-finite" as const), token: fc.constantFrom("NaN", "Infinity", "-Infinity", "undefined", "0x10", "1e999") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("invalid-utf8" as const), bytes: fc.constantFrom(...INVALID_UTF8), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "bom" } as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("trailing" as const), text: fc.constantFrom("}", "]", ",", "{}", " garbage", "\u0000", "/* c */") }) },
);

const RAW_TEXTS = ["", " ", "null", "true", "0", "-1", "1e309", '"page.view"', "[]", "{}", "{", "}", "[", '{"event_type":', "{'event_type':'page.view'}", "{event_type: 'page.view'}", '{"event_type":"page.view"}{"event_type":"page.view"}', "\ufeff{}", "NaN", "Infinity"];

const deepBody = fc.record({ kind: fc.constant("deep" as const), depth: fc.oneof(fc.integer({ min: 10, max: 2_000 }), fc.integer({ min: 2_000, max: 200_000 })), shape: fc.constantFrom("object" as const, "array" as const) });
const rawBody = fc.record({ kind: fc.constant("raw" as const), text: fc.constantFrom(...RAW_TEXTS) });
const bytesBody = fc.record({ kind: fc.constant("bytes" as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }) });

/** Body of one event: an envelope (maybe mangled as text), or something that is not one at all. */
export function eventBody(huge: fc.Arbitrary<number>): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.record({ kind: fc.constant("json" as const), value: plausibleEnvelope, mutation: textMutation }) },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant("json" as const), value: hostileEnvelope, mutation: textMutation }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("json" as const), value: hostileJson, mutation: textMutation }) },
    { weight: 2, arbitrary: deepBody },
    { weight: 2, arbitrary: rawBody },
    { weight: 1, arbitrary: bytesBody },
    { weight: 1, arbitrary: huge.map((bytes) => ({ kind: "huge" as const, bytes })) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("json" as const), value: extremeEnvelope, mutation: fc.constant({ kind: "none" } as const) }) },
    { weight: 1, arbitrary: overflowLiteralTexts.map((text) => ({ kind: "raw" as const, text })) },
  );
}

/** Body of a batch: `{"events": [...]}` (or a bare array), sometimes with more than the API allows. */
export function batchBody(huge: fc.Arbitrary<number>): fc.Arbitrary<BodySpec> {
  const events = fc.oneof(
    { weight: 80, arbitrary: fc.array(plausibleEnvelope, { minLength: 1, maxLength: 8 }) },
    { weight: 60, arbitrary: fc.array(hostileEnvelope, { minLength: 0, maxLength: 8 }) },
    { weight: 10, arbitrary: fc.integer({ min: 999, max: 1_200 }).map((n) => Array.from({ length: n }, () => ({ event_id: FRESH_ID, event_type: "fuzz.bulk", properties: { n } }))) },
    { weight: 10, arbitrary: fc.array(hostileJson, { maxLength: 4 }) },
    { weight: 8, arbitrary: wideningPair },
    { weight: 6, arbitrary: fc.array(extremeEnvelope, { minLength: 1, maxLength: 6 }) },
    // Events each under the 1 MiB limit, together over it, all for one user (one partition).
    { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 3, max: 5 }), fc.integer({ min: 400_000, max: 700_000 })).map(([n, size]) => Array.from({ length: n }, () => ({ event_id: FRESH_ID, event_type: "fuzz.bulk", user_id: "fuzz-one-user", properties: { blob: "x".repeat(size) } }))) },
  );
  const wrapped = fc.oneof(
    { weight: 6, arbitrary: events.map((list) => ({ events: list }) as unknown) },
    { weight: 2, arbitrary: events },
    { weight: 1, arbitrary: fc.tuple(events, fc.dictionary(hostileKey, hostileJson, { maxKeys: 2 })).map(([list, extra]) => ({ ...extra, events: list })) },
    { weight: 1, arbitrary: fc.record({ events: hostileJson }) },
  );
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ kind: fc.constant("json" as const), value: wrapped, mutation: textMutation }) },
    { weight: 1, arbitrary: deepBody },
    { weight: 1, arbitrary: rawBody },
    { weight: 1, arbitrary: huge.map((bytes) => ({ kind: "huge" as const, bytes })) },
  );
}

/**
 * The bytes of a body. Each FRESH_ID becomes the next id from `freshId`; huge and deep bodies
 * are built here, not kept in the generated case.
 */
export function renderBody(spec: BodySpec, freshId: () => string): Buffer {
  switch (spec.kind) {
    case "json":
      return mutate(withFreshIds(JSON.stringify(spec.value) ?? "", freshId), spec.mutation);
    case "deep": {
      const [open, close] = spec.shape === "object" ? ['{"a":', "}"] : ["[", "]"];
      const nested = open.repeat(spec.depth) + "1" + close.repeat(spec.depth);
      return Buffer.from(`{"event_id":"${freshId()}","event_type":"fuzz.deep","properties":{"nested":${nested}}}`);
    }
    case "huge": {
      const head = `{"event_id":"${freshId()}","event_type":"fuzz.huge","properties":{"blob":"`;
      return Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, spec.bytes - head.length - 3), "x"), Buffer.from('"}}')]);
    }
    case "raw":
      return Buffer.from(withFreshIds(spec.text, freshId));
    case "bytes":
      return Buffer.from(spec.bytes);
  }
}

function withFreshIds(text: string, freshId: () => string): string {
  return text.includes(FRESH_ID) ? text.split(FRESH_ID).reduce((out, part) => `${out}${freshId()}${part}`) : text;
}

function mutate(text: string, mutation: TextMutation): Buffer {
  switch (mutation.kind) {
    case "none":
      return Buffer.from(text);
    case "duplicate-key":
      return Buffer.from(text.startsWith("{") && text.length > 2 ? `{${JSON.stringify(mutation.key)}:${JSON.stringify(mutation.value) ?? "null"},${text.slice(1)}` : text);
    case "non-finite":
      return Buffer.from(text.startsWith("{") ? `{"x":${mutation.token},${text.slice(1)}` : `[${mutation.token}]`);
    case "invalid-utf8": {
      const bytes = Buffer.from(text);
      const quote = bytes.indexOf(0x22, Math.floor(bytes.length * mutation.at));
      const at = quote < 0 ? bytes.length : quote + 1;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(mutation.bytes), bytes.subarray(at)]);
    }
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case "truncate":
      return Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) * mutation.at));
    case "trailing":
      return Buffer.from(text + mutation.text);
  }
}
