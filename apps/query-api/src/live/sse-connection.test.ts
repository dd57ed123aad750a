import { Writable } from "node:stream";
import { SseConnection } from "./sse-connection";

/** A writable that never finishes a write, like a client that stopped reading; records what it was given. */
function stuckSink(): Writable & { given: string[] } {
  const given: string[] = [];
  const sink = new Writable({ highWaterMark: 64, write: () => undefined });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: string) => (given.push(chunk), write(chunk))) as typeof sink.write;
  return Object.assign(sink, { given });
}

/** A writable that takes everything at once. */
function openSink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return Object.assign(sink, { text: () => chunks.join("") });
}

describe("SseConnection", () => {
  it("frames events and comments", () => {
    const sink = openSink();
    const connection = new SseConnection(sink, { heartbeatMs: 60_000, maxBufferedBytes: 1024 });
    connection.comment("ready");
    connection.event("event", "id-1", '{"a":1}');
    connection.end();
    expect(sink.text()).toBe(': ready\n\nevent: event\nid: id-1\ndata: {"a":1}\n\n');
  });

  it("sends a heartbeat comment on its interval until disposed", async () => {
    const sink = openSink();
    const connection = new SseConnection(sink, { heartbeatMs: 20, maxBufferedBytes: 1024 });
    await new Promise((resolve) => setTimeout(resolve, 70));
    connection.dispose();
    const beats = sink.text().split(": heartbeat\n\n").length - 1;
    expect(beats).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.text().split(": heartbeat\n\n").length - 1).toBe(beats);
  });

  it("drops a client whose unsent bytes pass the bound, with a final overflow event", async () => {
    const sink = stuckSink();
    let overflowed = 0;
    const connection = new SseConnection(sink, { heartbeatMs: 60_000, maxBufferedBytes: 200, overflowGraceMs: 20, onOverflow: () => overflowed++ });
    const data = JSON.stringify({ pad: "x".repeat(50) });
    for (let i = 0; i < 100; i++) connection.event("event", `id-${i}`, data);

    expect(overflowed).toBe(1);
    expect(connection.isEnded).toBe(true);
    expect(sink.given.at(-1)).toBe('event: overflow\ndata: {"reason":"client too slow","max_buffered_bytes":200}\n\n');
    // Bounded: the limit, one more frame and the notice at most were ever queued.
    expect(sink.writableLength).toBeLessThan(200 + 2 * 100);
    // The client never reads the notice, so its socket is cut after the grace period.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.destroyed).toBe(true);
  });
});
