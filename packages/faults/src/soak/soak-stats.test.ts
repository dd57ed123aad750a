import { firstHalf, max, percentile, secondHalf, slope } from "./soak-stats";

describe("slope", () => {
  it("is the least-squares trend of y over x", () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    // Noise around a flat line: a small trend, from where the sawtooth happens to end.
    expect(slope([{ x: 0, y: 10 }, { x: 1, y: 12 }, { x: 2, y: 10 }, { x: 3, y: 12 }, { x: 4, y: 10 }, { x: 5, y: 12 }])).toBeCloseTo(3 / 17.5);
  });

  it("has no value with fewer than two distinct x", () => {
    expect(slope([])).toBeUndefined();
    expect(slope([{ x: 1, y: 1 }])).toBeUndefined();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 5 }])).toBeUndefined();
  });
});

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("halves", () => {
  it("splits items at the midpoint of the run", () => {
    const items = [0, 4, 5, 9].map((at) => ({ at }));
    expect(firstHalf(items, (i) => i.at, 0, 10).map((i) => i.at)).toEqual([0, 4]);
    expect(secondHalf(items, (i) => i.at, 0, 10).map((i) => i.at)).toEqual([5, 9]);
    expect(max([3, 9, 1])).toBe(9);
    expect(max([])).toBeUndefined();
  });
});
