import { parseDimensions } from "./dimensions-param";
import { ParameterError } from "./query-params";

describe("parseDimensions", () => {
  it("maps the seed's one key/value onto a dimension and value, {} onto the overall series", () => {
    expect(parseDimensions('{"symbol":"BTCUSDT"}')).toEqual({ dimension: "symbol", dimensionValue: "BTCUSDT" });
    expect(parseDimensions("{}")).toEqual({});
    expect(parseDimensions('{"strategy":7}')).toEqual({ dimension: "strategy", dimensionValue: "7" });
  });

  it.each([
    ["not JSON", "symbol=BTCUSDT"],
    ["an array", '["symbol"]'],
    ["two keys", '{"symbol":"BTCUSDT","side":"BUY"}'],
    ["a nested value", '{"symbol":{"in":["BTCUSDT"]}}'],
    ["an empty value", '{"symbol":""}'],
    ["a bad name", '{"Symbol!":"BTCUSDT"}'],
    ["null", "null"],
  ])("refuses %s naming dimensions", (_what, text) => {
    expect(() => parseDimensions(text)).toThrow(ParameterError);
    try {
      parseDimensions(text);
    } catch (error) {
      expect((error as ParameterError).field).toBe("dimensions");
    }
  });
});
