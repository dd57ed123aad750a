import { decodeCursor, encodeCursor } from "./event-cursor";

const ID = "0190a6a8-0000-7000-8000-000000000001";
const forged = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("decodeCursor", () => {
  it("reads back what encodeCursor wrote", () => {
    const cursor = { timestamp: new Date("2025-10-03T12:00:00.123Z"), eventId: ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ["a year PostgreSQL cannot store", `+099999-01-01T00:00:00.000Z|${ID}`],
    ["a year before the first one stored", `-000001-01-01T00:00:00.000Z|${ID}`],
    ["no time", `|${ID}`],
    ["not a time", `yesterday|${ID}`],
    ["no id", "2025-10-03T12:00:00.000Z|"],
    ["an id that is not a UUID", "2025-10-03T12:00:00.000Z|'; drop table events"],
    ["36 hyphens, the length of a UUID", `2025-10-03T12:00:00.000Z|${"-".repeat(36)}`],
    ["not base64url text", "%%%"],
  ])("refuses %s", (_what, text) => {
    expect(decodeCursor(forged(text))).toBeUndefined();
  });
});
