import { SharedRecentValue } from "./shared-recent-value";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("SharedRecentValue", () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it("fetches once and answers synchronously until the value is maxAgeMs old", async () => {
    let fetches = 0;
    const value = new SharedRecentValue(async () => `v${++fetches}`, { maxAgeMs: 500, keep: () => true, now });
    expect(await value.get()).toBe("v1");
    clock += 499;
    expect(value.get()).toBe("v1"); // not a promise: no round trip
    clock += 1;
    expect(await value.get()).toBe("v2");
    expect(fetches).toBe(2);
  });

  it("lets concurrent callers of a stale value share one fetch", async () => {
    const pending = deferred<string>();
    let fetches = 0;
    const value = new SharedRecentValue(
      () => {
        fetches++;
        return pending.promise;
      },
      { maxAgeMs: 500, keep: () => true, now },
    );
    const callers = [value.get(), value.get(), value.get()];
    pending.resolve("fresh");
    expect(await Promise.all(callers)).toEqual(["fresh", "fresh", "fresh"]);
    expect(fetches).toBe(1);
  });

  it("does not hold a value keep() refuses, so the next call asks again", async () => {
    let fetches = 0;
    const value = new SharedRecentValue(async () => (++fetches === 1 ? null : "figures"), { maxAgeMs: 500, keep: (v) => v !== null, now });
    expect(await value.get()).toBeNull();
    expect(await value.get()).toBe("figures");
    expect(value.get()).toBe("figures");
    expect(fetches).toBe(2);
  });

  it("ages a value from when its fetch began", async () => {
    const pending = deferred<string>();
    const value = new SharedRecentValue(() => pending.promise, { maxAgeMs: 500, keep: () => true, now });
    const first = value.get();
    clock += 400; // the fetch took 400 ms
    pending.resolve("slow");
    await first;
    clock += 100;
    expect(value.get()).toBeInstanceOf(Promise);
  });

  it("passes a failed fetch to its callers and fetches again on the next call", async () => {
    let fetches = 0;
    const value = new SharedRecentValue(
      async () => {
        if (++fetches === 1) throw new Error("redis away");
        return "back";
      },
      { maxAgeMs: 500, keep: () => true, now },
    );
    await expect(value.get()).rejects.toThrow("redis away");
    expect(await value.get()).toBe("back");
  });
});
