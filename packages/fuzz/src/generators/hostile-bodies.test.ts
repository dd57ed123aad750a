import fc from "fast-check";
import { freshIds } from "../harness/case-seeds";
import { eventBody, renderBody } from "./hostile-bodies";
import { FRESH_ID } from "./hostile-events";
import { percentEncode } from "./http-cases";

const ids = () => freshIds(1, "test", 0);

describe("renderBody", () => {
  it("gives every FRESH_ID its own UUID, the same on a replay", () => {
    const spec = { kind: "json" as const, value: { events: [{ event_id: FRESH_ID }, { event_id: FRESH_ID }] }, mutation: { kind: "none" as const } };
    const first = JSON.parse(renderBody(spec, ids()).toString()) as { events: { event_id: string }[] };
    const [a, b] = first.events.map((event) => event.event_id);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(renderBody(spec, ids()).toString()).toBe(JSON.stringify(first));
  });

  it("writes what JSON.stringify never would: duplicate keys, NaN, bytes that are not UTF-8", () => {
    const value = { event_type: "page.view" };
    expect(renderBody({ kind: "json", value, mutation: { kind: "duplicate-key", key: "event_type", value: 1 } }, ids()).toString()).toBe('{"event_type":1,"event_type":"page.view"}');
    expect(renderBody({ kind: "json", value, mutation: { kind: "non-finite", token: "NaN" } }, ids()).toString()).toBe('{"x":NaN,"event_type":"page.view"}');
    const invalid = renderBody({ kind: "json", value, mutation: { kind: "invalid-utf8", bytes: [0xc3, 0x28], at: 0.5 } }, ids());
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(invalid)).toThrow();
  });

  it("builds deep and huge bodies on demand", () => {
    const deep = renderBody({ kind: "deep", depth: 10_000, shape: "array" }, ids()).toString();
    expect(deep).toContain(`${"[".repeat(10_000)}1${"]".repeat(10_000)}`);
    expect(renderBody({ kind: "huge", bytes: 3 * 1024 * 1024 }, ids()).length).toBe(3 * 1024 * 1024);
  });

  it("renders every generated event body", () => {
    fc.assert(fc.property(eventBody(fc.constant(2_000)), (spec) => Buffer.isBuffer(renderBody(spec, ids()))), { seed: 7, numRuns: 300 });
  });
});

describe("percentEncode", () => {
  it("encodes UTF-8 bytes, a lone surrogate as U+FFFD, and keeps unreserved characters", () => {
    expect(percentEncode("a b&é~")).toBe("a%20b%26%C3%A9~");
    expect(percentEncode("\ud800")).toBe("%EF%BF%BD");
  });
});
