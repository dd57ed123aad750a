import { checkSchemaText } from "./event-schema";

describe("checkSchemaText refuses what the ingester would refuse, saying why", () => {
  it.each([
    ["an asynchronous schema", { $async: true, type: "object" }, /^s\.json cannot be used: schema: \$async at \/ is not supported/],
    ["a pattern RE2 cannot run", { pattern: "(a)\\1" }, /^s\.json cannot be used: schema: pattern .* at \/pattern is not supported: patterns run on RE2/],
    ["a remote $ref", { $ref: "https://example.com/x.json" }, /^s\.json cannot be used: schema: \$ref "https:\/\/example.com\/x.json" cannot be resolved/],
    ["unbounded uniqueItems", { uniqueItems: true }, /^s\.json cannot be used: schema: uniqueItems at \/ needs "maxItems"/],
  ])("%s", (_case, schema, error) => {
    expect(checkSchemaText(JSON.stringify(schema), "s.json")).toEqual({ ok: false, error: expect.stringMatching(error) });
  });

  it("accepts a pattern that runs in linear time on RE2", () => {
    expect(checkSchemaText('{"properties":{"s":{"pattern":"^(a+)+$"}}}', "s.json")).toMatchObject({ ok: true });
  });
});
