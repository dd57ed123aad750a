import { slicesUnder } from "./event-publisher";

const message = (key: string, bytes: number) => ({ key, value: "x".repeat(bytes - key.length) });

describe("slicesUnder", () => {
  it("keeps order and cuts before a slice would pass the byte limit", () => {
    const messages = [message("a", 400), message("b", 400), message("c", 400), message("d", 100)];
    expect(slicesUnder(messages, 1000).map((slice) => slice.map((m) => m.key).join(""))).toEqual(["ab", "cd"]);
  });

  it("sends a message larger than the limit on its own, and nothing for nothing", () => {
    expect(slicesUnder([message("a", 10), message("b", 5000), message("c", 10)], 1000).map((s) => s.length)).toEqual([1, 1, 1]);
    expect(slicesUnder([], 1000)).toEqual([]);
  });
});
