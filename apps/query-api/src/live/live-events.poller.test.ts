import type { AnalyticsEvent, TailPage, TailPosition, TailReadOptions } from "@trading-analytics/core";
import { createLogger } from "@trading-analytics/core";
import { type EventsTail, LiveEventsPoller, type LiveSubscriber } from "./live-events.poller";

const logger = createLogger({ level: "error", format: "json" }, "query-api");
logger.silent = true;

const event = (eventId: string, eventType = "order.filled"): AnalyticsEvent => ({
  eventId,
  eventType,
  userId: "u",
  sessionId: null,
  properties: {},
  timestamp: new Date(0),
  receivedAt: new Date(0),
  source: null,
});

/** An in-memory tail: events are appended with increasing xids; reads can be made to fail. */
class MemoryTail implements EventsTail {
  private readonly stored: { xid: bigint; event: AnalyticsEvent }[] = [];
  private nextXid = 10n;
  failures = 0;
  reads: TailReadOptions[] = [];

  store(...events: AnalyticsEvent[]): void {
    for (const e of events) this.stored.push({ xid: this.nextXid++, event: e });
  }

  async horizon(): Promise<bigint> {
    return this.nextXid;
  }

  async read(from: TailPosition, options: TailReadOptions): Promise<TailPage> {
    this.reads.push(options);
    if (this.failures > 0) {
      this.failures--;
      throw new Error("database unavailable");
    }
    const horizon = this.nextXid;
    const events = this.stored
      .filter((row) => row.xid >= from.xid && row.xid < horizon && (!options.eventTypes || options.eventTypes.includes(row.event.eventType)))
      .map((row) => row.event);
    return { events, next: { xid: horizon }, more: false };
  }
}

function subscriber(filter: LiveSubscriber["filter"] = {}) {
  const received: string[] = [];
  let closed = false;
  const sub: LiveSubscriber = { filter, deliver: (e) => void received.push(e.eventId), close: () => void (closed = true) };
  return { sub, received, isClosed: () => closed };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe("LiveEventsPoller", () => {
  it("delivers events stored after ready, reading only the types its clients want", async () => {
    const tail = new MemoryTail();
    tail.store(event("old"));
    const poller = new LiveEventsPoller(tail, { intervalMs: 5, logger });
    const a = subscriber({ eventTypes: new Set(["order.filled"]) });
    const b = subscriber({ eventTypes: new Set(["trade.executed"]) });
    await poller.subscribe(a.sub).ready;
    await poller.subscribe(b.sub).ready;
    tail.store(event("placed", "order.placed"), event("fill"), event("trade", "trade.executed"));
    await until(() => a.received.length === 1 && b.received.length === 1);
    expect(a.received).toEqual(["fill"]);
    expect(b.received).toEqual(["trade"]);
    expect(tail.reads.at(-1)?.eventTypes).toEqual(["order.filled", "trade.executed"]);
    await poller.close();
    expect(a.isClosed() && b.isClosed()).toBe(true);
  });

  it("keeps its place through failed reads and delivers what was stored meanwhile", async () => {
    const tail = new MemoryTail();
    const poller = new LiveEventsPoller(tail, { intervalMs: 5, logger });
    const a = subscriber();
    await poller.subscribe(a.sub).ready;
    tail.failures = 3;
    tail.store(event("during-outage"));
    await until(() => a.received.length === 1);
    expect(a.received).toEqual(["during-outage"]);
    await poller.close();
  });

  it("refuses subscribers once closed", async () => {
    const poller = new LiveEventsPoller(new MemoryTail(), { intervalMs: 5, logger });
    await poller.close();
    expect(() => poller.subscribe(subscriber().sub)).toThrow("closed");
  });
});
