import { deadLetterOf } from "../dead-letters/dead-letter";
import { countLine, letterJson, replayJson, replayText } from "./dead-letters.format";
import { checkSchemaText } from "./event-schema";
import { cellText, figuresJson, figuresText, normalizeRow } from "./trading.format";

describe("checkSchemaText", () => {
  it("accepts a schema ajv compiles with the ingester's settings, unknown keywords included", () => {
    expect(checkSchemaText('{"type":"object","x-owner":"quant","properties":{"price":{"type":"number"}}}', "s.json")).toEqual({
      ok: true,
      schema: { type: "object", "x-owner": "quant", properties: { price: { type: "number" } } },
    });
  });

  it("says why a file is not a schema: not JSON, not an object, or ajv's own message", () => {
    expect(checkSchemaText("{type: object}", "s.json")).toMatchObject({ ok: false, error: expect.stringMatching(/^s\.json is not JSON: /) });
    expect(checkSchemaText("[1]", "s.json")).toEqual({ ok: false, error: "s.json must hold a JSON Schema object" });
    expect(checkSchemaText('{"type":"decimal"}', "s.json")).toEqual({
      ok: false,
      error: expect.stringMatching(/^s\.json cannot be used: schema is invalid: data\/type must be equal to one of the allowed values/),
    });
  });
});

describe("dead-letter output", () => {
  const letters = [
    deadLetterOf(0, { offset: "1", timestamp: "0", key: null, value: Buffer.from("{"), headers: { error_class: "invalid_json" } }),
    deadLetterOf(0, { offset: "2", timestamp: "0", key: null, value: Buffer.from([0xff]), headers: { error_class: "invalid_utf8" } }),
    deadLetterOf(1, { offset: "0", timestamp: "0", key: null, value: Buffer.from("}"), headers: { error_class: "invalid_json" } }),
  ];

  it("counts letters by reason, most first", () => {
    const byReason = new Map<string, number>();
    for (const letter of letters) byReason.set(letter.reason, (byReason.get(letter.reason) ?? 0) + 1);
    expect(countLine(byReason)).toBe("3 dead letters (invalid_json 2, invalid_utf8 1)");
    expect(countLine(new Map())).toBe("0 dead letters");
  });

  it("gives a value as text in JSON, or base64 when it is not UTF-8", () => {
    expect(letterJson(letters[0]!)).toMatchObject({ offset: "1", reason: "invalid_json", source: null, value: "{" });
    expect(letterJson(letters[1]!)).toMatchObject({ value_base64: "/w==" });
  });

  it("reports a replay: re-published by topic, still failing by reason with an example", () => {
    const summary = {
      read: 4,
      republish: 2,
      repeats: 1,
      byTopic: { "order.events": 2 },
      refused: {},
      stillFailing: { schema_violation: { count: 1, example: "custom.x: properties.a is required" } },
    };
    expect(replayText(summary, false, "analytics.dead-letter")).toBe(
      [
        "Read 4 dead letters from analytics.dead-letter.",
        "Re-published 2 that pass now (order.events 2).",
        "Skipped 1 repeat of a source position already replayed.",
        "Still failing: 1.",
        "  schema_violation 1  e.g. custom.x: properties.a is required",
      ].join("\n"),
    );
    expect(replayText(summary, true, "dlq")).toMatch(/^Would re-publish 2 that pass now[\s\S]*Dry run: nothing was re-published\.$/m);
    expect(replayJson(summary, true)).toMatchObject({ dry_run: true, republished: 0, would_republish: 2, still_failing: { schema_violation: { count: 1 } } });
  });

  it("says which letters were refused for a source topic that is not an ingest topic, quoting names from headers", () => {
    const summary = { read: 3, republish: 0, repeats: 0, byTopic: {}, refused: { "internal.secrets": 2, "evil\u001b[2J": 1 }, stillFailing: {} };
    const text = replayText(summary, false, "dlq");
    expect(text).toContain('Refused 3 whose source_topic is not an ingest topic (kafka.topics): "internal.secrets" 2, "evil\\u001b[2J" 1.');
    expect(text).toContain("use --to-topic TOPIC");
    expect(text).not.toContain("\u001b");
    expect(replayJson(summary, false)).toMatchObject({ refused_by_source_topic: { "internal.secrets": 2 } });
  });
});

describe("trading output", () => {
  const columns = [
    { name: "symbol", type: 25 },
    { name: "placed", type: 20 },
    { name: "fill_rate", type: 1700 },
    { name: "p50_ms", type: 701 },
    { name: "first_at", type: 1184 },
  ];

  it("reads bigint and numeric columns as numbers, and leaves text alone", () => {
    expect(normalizeRow(columns, { symbol: "100", placed: "12", fill_rate: "66.666666", p50_ms: 1.5, first_at: null })).toEqual({
      symbol: "100",
      placed: 12,
      fill_rate: 66.666666,
      p50_ms: 1.5,
      first_at: null,
    });
  });

  it("prints a dash for nothing, UTC times, at most 4 decimals and small figures to 6 digits", () => {
    expect(cellText(null)).toBe("-");
    expect(cellText(new Date("2025-01-31T12:00:00.250Z"))).toBe("2025-01-31 12:00:00");
    expect(cellText(66.666666)).toBe("66.6667");
    expect(cellText(-1234567.891)).toBe("-1234567.891");
    expect(cellText(0.000123456789)).toBe("0.000123457");
    expect(cellText(42)).toBe("42");
    expect(cellText({ p50: 1 })).toBe('{"p50":1}');
  });

  it("lists one row's figures one per line, and several rows as a table", () => {
    const row = { symbol: null, placed: 4, fill_rate: 75, p50_ms: 12.5, first_at: new Date("2025-01-31T12:00:00Z") };
    expect(figuresText(columns, [row])).toBe(
      ["FIGURE     VALUE", "symbol     -", "placed     4", "fill_rate  75", "p50_ms     12.5", "first_at   2025-01-31 12:00:00"].join("\n"),
    );
    expect(figuresText(columns.slice(0, 3), [{ symbol: "BTCUSDT", placed: 3, fill_rate: 66.6667 }, { symbol: "ETHUSDT", placed: 1, fill_rate: 100 }])).toBe(
      ["SYMBOL   PLACED  FILL_RATE", "BTCUSDT  3       66.6667", "ETHUSDT  1       100"].join("\n"),
    );
    expect(figuresJson([row])).toEqual([{ ...row, first_at: "2025-01-31T12:00:00.000Z" }]);
  });
});
