import { number, ratio, resultLine, round, targetLines } from "./report";

describe("report", () => {
  it("rounds for RESULT and gives null for what JSON cannot hold", () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect([round(undefined), round(Number.POSITIVE_INFINITY), round(Number.NaN)]).toEqual([null, null, null]);
    expect(ratio(3, 0)).toBeNull();
  });

  it("formats figures for people and writes targets as pass, MISS or n/a", () => {
    expect(number(1234567.891, 1)).toBe("1,234,567.9");
    expect(number(null)).toBe("-");
    const rows = [
      { name: "a", verdict: true, actual: "1" },
      { name: "b", verdict: false, actual: "2" },
      { name: "c", verdict: null, actual: "-" },
    ];
    expect(targetLines(rows, 3)).toEqual(["  [pass] a   1", "  [MISS] b   2", "  [n/a ] c   -"]);
  });

  it("ends a report with the summary as one JSON line", () => {
    expect(resultLine({ events: 10, targets: { x: null } })).toBe('RESULT {"events":10,"targets":{"x":null}}');
  });
});
