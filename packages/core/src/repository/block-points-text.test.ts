import { pointsBetween as pointsBetweenBytes } from "./block-points-text";

const point = (time: string, count: number) => `{"bucket_start":"2026-11-24T${time}Z","count":${count}}`;
const day = [point("00:00:00", 1), point("00:01:00", 2), point("00:05:00", 3), point("23:59:00", 4)].join(",");
const at = (time: string) => Date.parse(`2026-11-24T${time}Z`);
const pointsBetween = (text: string, fromMs: number, toMs: number) => pointsBetweenBytes(Buffer.from(text), fromMs, toMs).toString();

describe("pointsBetween", () => {
  it("keeps the points whose buckets start in [from, to), in the same form", () => {
    expect(pointsBetween(day, at("00:01:00"), at("00:05:00"))).toBe(point("00:01:00", 2));
    expect(pointsBetween(day, at("00:00:30"), at("23:59:00.001"))).toBe([point("00:01:00", 2), point("00:05:00", 3), point("23:59:00", 4)].join(","));
    expect(JSON.parse(`[${pointsBetween(day, at("00:00:00"), at("00:05:00"))}]`)).toEqual([
      { bucket_start: "2026-11-24T00:00:00Z", count: 1 },
      { bucket_start: "2026-11-24T00:01:00Z", count: 2 },
    ]);
  });

  it("gives the whole text for the whole day and nothing for a range between points", () => {
    expect(pointsBetween(day, at("00:00:00"), at("00:00:00") + 86_400_000)).toBe(day);
    expect(pointsBetween(day, at("00:02:00"), at("00:04:59"))).toBe("");
    expect(pointsBetween(day, at("23:59:00.5"), at("23:59:59"))).toBe("");
    expect(pointsBetween("", at("00:00:00"), at("01:00:00"))).toBe("");
  });
});

describe("pointsBetween on a block written before migration 0011", () => {
  const spaced = (time: string, count: number) => `{"bucket_start" : "2026-11-24T${time}Z", "count" : ${count}}`;
  const oldDay = [spaced("00:00:00", 1), spaced("00:01:00", 2), spaced("00:05:00", 3)].join(", ");

  it("cuts json_build_object's spaced form at the same points", () => {
    expect(pointsBetween(oldDay, at("00:01:00"), at("00:05:00"))).toBe(spaced("00:01:00", 2));
    expect(pointsBetween(oldDay, at("00:00:30"), at("01:00:00"))).toBe([spaced("00:01:00", 2), spaced("00:05:00", 3)].join(", "));
  });
});
