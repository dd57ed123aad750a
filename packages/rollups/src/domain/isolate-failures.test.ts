import { isEventSpecificFailure, isolateFailures } from "./isolate-failures";

const poisonous = (bad: ReadonlySet<number>) => {
  const applied: number[] = [];
  let attempts = 0;
  const attempt = async (batch: readonly number[]) => {
    attempts += 1;
    if (batch.some((item) => bad.has(item))) throw new RangeError("Invalid array length");
    applied.push(...batch);
  };
  return { applied, attempt, attempts: () => attempts };
};

describe("isolateFailures", () => {
  const items = Array.from({ length: 1000 }, (_, i) => i);

  it("finds the failing items by bisection and applies every other item once", async () => {
    const run = poisonous(new Set([17, 600, 601]));
    const failed = await isolateFailures(items, run.attempt, isEventSpecificFailure);
    expect(failed.map((f) => f.item)).toEqual([17, 600, 601]);
    expect(failed[0]!.error).toBeInstanceOf(RangeError);
    expect([...run.applied].sort((a, b) => a - b)).toEqual(items.filter((i) => ![17, 600, 601].includes(i)));
    // About k × log2(n) attempts, not n.
    expect(run.attempts()).toBeLessThan(80);
  });

  it("applies the whole batch in one attempt when nothing fails", async () => {
    const run = poisonous(new Set());
    expect(await isolateFailures(items, run.attempt, isEventSpecificFailure)).toEqual([]);
    expect(run.attempts()).toBe(1);
  });

  it("rethrows a failure the items cannot cause, setting nothing aside", async () => {
    const outage = Object.assign(new Error("Connection terminated"), { code: "CONNECTION_CLOSED" });
    await expect(isolateFailures(items, async () => Promise.reject(outage), isEventSpecificFailure)).rejects.toBe(outage);
  });

  it("refuses to blame every item of a batch when each fails on its own", async () => {
    await expect(isolateFailures([1, 2, 3], async () => Promise.reject(new TypeError("a bug")), isEventSpecificFailure)).rejects.toThrow(
      /every one of 3 events fails on its own/,
    );
  });

  it("sets aside the only item of a batch of one", async () => {
    const failed = await isolateFailures([9], async () => Promise.reject(new RangeError("x")), isEventSpecificFailure);
    expect(failed.map((f) => f.item)).toEqual([9]);
  });
});

describe("isEventSpecificFailure", () => {
  const pg = (code: string) => Object.assign(new Error(code), { code });

  it("blames the events for errors thrown while folding and for data, constraint and size errors", () => {
    expect(isEventSpecificFailure(new RangeError("Invalid array length"))).toBe(true);
    expect(isEventSpecificFailure(new TypeError("x is undefined"))).toBe(true);
    for (const code of ["22003", "22P02", "23505", "23514", "54000"]) expect([code, isEventSpecificFailure(pg(code))]).toEqual([code, true]);
  });

  it("does not blame them for connection, timeout, lock, resource or schema errors", () => {
    for (const code of ["08006", "40001", "40P01", "53300", "55P03", "57014", "57P01", "58030", "42P01", "XX000", "CONNECTION_CLOSED", "ECONNREFUSED"]) {
      expect([code, isEventSpecificFailure(pg(code))]).toEqual([code, false]);
    }
    expect(isEventSpecificFailure("a string")).toBe(false);
  });
});
