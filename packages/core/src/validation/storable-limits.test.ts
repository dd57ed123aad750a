import { isStorableTime, nestsDeeperThan } from "./storable-limits";

describe("isStorableTime", () => {
  it("takes years 0001 to 9999 (UTC) and nothing else", () => {
    expect(isStorableTime(new Date("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isStorableTime(new Date("9999-12-31T23:59:59.999Z"))).toBe(true);
    expect(isStorableTime(new Date("0000-12-31T23:59:59.999Z"))).toBe(false);
    expect(isStorableTime(new Date("9999-12-31T23:59:59-01:00"))).toBe(false);
    expect(isStorableTime(new Date("2016-12-31T23:59:60Z"))).toBe(false);
  });
});

describe("nestsDeeperThan", () => {
  it("counts the value itself as level 1, objects and arrays alike", () => {
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: [{}] }, 2)).toBe(true);
    expect(nestsDeeperThan("text", 0)).toBe(false);
  });

  it("walks any depth without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(nestsDeeperThan(deep, 64)).toBe(true);
  });
});
