import { ClientSlots } from "./client-slots";

describe("ClientSlots", () => {
  it("gives each client at most perClient slots, independently of other clients", () => {
    const slots = new ClientSlots(2);
    const first = slots.tryAcquire("key:a");
    expect(first).toBeDefined();
    expect(slots.tryAcquire("key:a")).toBeDefined();
    expect(slots.tryAcquire("key:a")).toBeUndefined();
    expect(slots.tryAcquire("ip:10.0.0.1")).toBeDefined();
    first!();
    expect(slots.heldBy("key:a")).toBe(1);
    expect(slots.tryAcquire("key:a")).toBeDefined();
  });

  it("ignores a second release of the same slot", () => {
    const slots = new ClientSlots(1);
    const release = slots.tryAcquire("key:a")!;
    const other = slots.tryAcquire("key:b")!;
    release();
    release();
    expect(slots.heldBy("key:a")).toBe(0);
    expect(slots.tryAcquire("key:a")).toBeDefined();
    expect(slots.tryAcquire("key:a")).toBeUndefined();
    other();
  });
});
