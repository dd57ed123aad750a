import { SendCoalescer, slicesUnder } from "./send-coalescer";

const message = (key: string, bytes: number) => ({ key, value: "x".repeat(bytes - key.length) });
const sizeOf = (m: { key: string; value: string }) => m.key.length + m.value.length;

describe("slicesUnder", () => {
  it("keeps order and cuts before a slice would pass the byte limit", () => {
    const messages = [message("a", 400), message("b", 400), message("c", 400), message("d", 100)];
    expect(slicesUnder(messages, sizeOf, 1000).map((slice) => slice.map((m) => m.key).join(""))).toEqual(["ab", "cd"]);
  });

  it("sends a message larger than the limit on its own, and nothing for nothing", () => {
    expect(slicesUnder([message("a", 10), message("b", 5000), message("c", 10)], sizeOf, 1000).map((s) => s.length)).toEqual([1, 1, 1]);
    expect(slicesUnder([], sizeOf, 1000)).toEqual([]);
  });
});

describe("SendCoalescer", () => {
  /** A send that records what it was given and finishes when told to. */
  function recordingSend() {
    const sends: string[] = [];
    const finish: Array<(error?: Error) => void> = [];
    const send = (messages: readonly { key: string }[]) =>
      new Promise<void>((resolve, reject) => {
        sends.push(messages.map((m) => m.key).join(""));
        finish.push((error) => (error ? reject(error) : resolve()));
      });
    return { sends, finish, send };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it("joins the calls made while a send is in flight into the next send, each caller's messages together", async () => {
    const { sends, finish, send } = recordingSend();
    const coalescer = new SendCoalescer(send, sizeOf, 1000);
    const done: string[] = [];
    const a = coalescer.submit([message("a", 100)]).then(() => done.push("a"));
    const b = coalescer.submit([message("b", 100), message("B", 100)]).then(() => done.push("b"));
    const c = coalescer.submit([message("c", 100)]).then(() => done.push("c"));
    await tick();
    expect(sends).toEqual(["a"]);
    finish[0]!();
    await tick();
    expect(done).toEqual(["a"]);
    expect(sends).toEqual(["a", "bBc"]);
    finish[1]!();
    await Promise.all([a, b, c]);
    expect(done).toEqual(["a", "b", "c"]);
  });

  it("keeps each send under the byte limit, sends one oversized call in slices, and fails only the callers of a failed send", async () => {
    const { sends, finish, send } = recordingSend();
    const coalescer = new SendCoalescer(send, sizeOf, 1000);
    const first = coalescer.submit([message("a", 600)]);
    const big = coalescer.submit([message("b", 700), message("B", 700)]);
    const small = coalescer.submit([message("c", 300)]);
    const results = Promise.allSettled([first, big, small]);
    await tick();
    finish[0]!(new Error("broker gone"));
    await tick();
    expect(sends).toEqual(["a", "b"]);
    finish[1]!();
    await tick();
    finish[2]!();
    await tick();
    finish[3]!();
    const [a, b, c] = await results;
    expect(sends).toEqual(["a", "b", "B", "c"]);
    expect(a).toMatchObject({ status: "rejected", reason: new Error("broker gone") });
    expect([b.status, c.status]).toEqual(["fulfilled", "fulfilled"]);
  });
});
