import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import request from "supertest";
import {
  type AnalyticsEvent,
  createLogger,
  EventPartitionsRepository,
  EventsRepository,
  EventsTailReader,
  type TailPosition,
  type TailReadOptions,
  toEventView,
} from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { type EventsTail, LiveEventsPoller } from "../live/live-events.poller";
import { errorHandler, notFound } from "./error.middleware";
import { streamRoutes } from "./stream.routes";

const logger = createLogger({ level: "error", format: "json" }, "query-api");

interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** A raw SSE client over a real socket: collects frames as they arrive. */
class SseClient {
  readonly frames: SseFrame[] = [];
  ended = false;
  private buffer = "";
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf("\n\n")) >= 0) {
        this.frames.push(parseFrame(this.buffer.slice(0, end)));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.notify();
    });
    res.on("end", () => {
      this.ended = true;
      this.notify();
    });
  }

  static async connect(url: string): Promise<SseClient> {
    const req = http.get(url, { headers: { Accept: "text/event-stream" } });
    const [res] = (await once(req, "response")) as [http.IncomingMessage];
    return new SseClient(req, res);
  }

  events(): SseFrame[] {
    return this.frames.filter((frame) => frame.event === "event");
  }

  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  ready(): Promise<void> {
    return this.waitFor(() => this.frames.some((frame) => frame.comment === "ready"), "the ready comment");
  }

  close(): void {
    this.req.destroy();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of text.split("\n")) {
    if (line.startsWith(": ")) frame.comment = line.slice(2);
    else if (line.startsWith("event: ")) frame.event = line.slice(7);
    else if (line.startsWith("id: ")) frame.id = line.slice(4);
    else if (line.startsWith("data: ")) frame.data = line.slice(6);
  }
  return frame;
}

/** The real tail reader, recording which events each read returned. */
class RecordingTail implements EventsTail {
  readonly reads: string[][] = [];
  constructor(private readonly inner: EventsTailReader) {}
  horizon(): Promise<bigint> {
    return this.inner.horizon();
  }
  async read(from: TailPosition, options: TailReadOptions) {
    const page = await this.inner.read(from, options);
    this.reads.push(page.events.map((event) => event.eventId));
    return page;
  }
  timesRead(eventId: string): number {
    return this.reads.filter((ids) => ids.includes(eventId)).length;
  }
}

function liveEvent(eventType: string, userId = "user-1"): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType,
    userId,
    sessionId: "session-1",
    properties: { symbol: "BTCUSDT", quantity: 2 },
    timestamp: new Date(),
    receivedAt: new Date(),
    source: null,
  };
}

describe("GET /api/v1/events/stream", () => {
  let db: TestDatabase;
  let events: EventsRepository;
  let tail: RecordingTail;
  let poller: LiveEventsPoller;
  let app: Express;
  let server: http.Server;
  let base: string;
  const clients: SseClient[] = [];

  async function connect(query = ""): Promise<SseClient> {
    const client = await SseClient.connect(`${base}/api/v1/events/stream${query}`);
    clients.push(client);
    return client;
  }

  /** Each event in its own transaction, in this order. */
  async function store(...batch: AnalyticsEvent[]): Promise<void> {
    for (const event of batch) await events.copyMany([event]);
  }

  beforeAll(async () => {
    db = await createTestDatabase("query_api_stream");
    events = new EventsRepository(db.sql);
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date()]);
    tail = new RecordingTail(new EventsTailReader(db.sql));
    poller = new LiveEventsPoller(tail, { intervalMs: 50, logger });
    app = express();
    app.use(streamRoutes({ live: poller }));
    app.use(notFound());
    app.use(errorHandler(logger));
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await poller?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await db?.drop();
  });

  it("answers with the SSE headers", async () => {
    const client = await connect();
    expect(client.res.statusCode).toBe(200);
    expect(client.res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(client.res.headers["cache-control"]).toBe("no-cache");
    expect(client.res.headers["x-accel-buffering"]).toBe("no");
    await client.ready();
  });

  it("sends an order.filled stored after the client connected, and not an order.placed", async () => {
    const client = await connect("?event_type=order.filled");
    await client.ready();
    const placed = liveEvent("order.placed");
    const filled = liveEvent("order.filled");
    await store(placed, filled);

    await client.waitFor(() => client.events().length > 0, "the order.filled event");
    // Events arrive in write order, so the order.placed (written first) would be here by now.
    expect(client.events()).toEqual([{ event: "event", id: filled.eventId, data: JSON.stringify(toEventView(filled)) }]);
  });

  it("filters by a list of types and by user", async () => {
    const client = await connect("?event_type=order.filled,trade.executed&user_id=user-7");
    await client.ready();
    const wanted = [liveEvent("trade.executed", "user-7"), liveEvent("order.filled", "user-7")];
    await store(liveEvent("order.filled", "user-8"), wanted[0]!, liveEvent("order.placed", "user-7"), wanted[1]!);

    await client.waitFor(() => client.events().length >= 2, "two events");
    expect(client.events().map((frame) => frame.id)).toEqual(wanted.map((event) => event.eventId));
  });

  it("serves two clients from one poller: each event is read once and reaches both", async () => {
    const fills = await connect("?event_type=order.filled");
    const everything = await connect();
    await Promise.all([fills.ready(), everything.ready()]);
    expect(poller.subscriberCount).toBe(2);

    const placed = liveEvent("order.placed");
    const filled = liveEvent("order.filled");
    await store(placed, filled);
    await fills.waitFor(() => fills.events().length === 1, "the fill on the filtered client");
    await everything.waitFor(() => everything.events().length === 2, "both events on the unfiltered client");

    expect(fills.events()[0]!.id).toBe(filled.eventId);
    expect(everything.events().map((frame) => frame.id)).toEqual([placed.eventId, filled.eventId]);
    expect(tail.timesRead(filled.eventId)).toBe(1);
    expect(tail.timesRead(placed.eventId)).toBe(1);
  });

  it("stops polling once the last client has gone", async () => {
    const client = await connect();
    await client.ready();
    expect(poller.polling).toBe(true);
    client.close();
    await waitUntil(() => !poller.polling, "the poller to stop");
    const reads = tail.reads.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tail.reads.length).toBe(reads);
    expect(poller.subscriberCount).toBe(0);
  });

  it("starts again from the present when a client comes back", async () => {
    await waitUntil(() => !poller.polling, "the poller to be idle");
    const before = liveEvent("order.filled");
    await store(before);
    // A transaction still open elsewhere on the server would hold the horizon below `before`.
    const [row] = await db.sql<{ xid: string }[]>`select write_xid::text as xid from events where id = ${before.eventId}`;
    const reader = new EventsTailReader(db.sql);
    await waitUntilAsync(async () => (await reader.horizon()) > BigInt(row!.xid), "the horizon to pass the earlier event");
    const client = await connect("?event_type=order.filled");
    await client.ready();
    const after = liveEvent("order.filled");
    await store(after);
    await client.waitFor(() => client.events().length > 0, "the event stored after connecting");
    expect(client.events().map((frame) => frame.id)).toEqual([after.eventId]);
  });

  it.each([
    ["?event_type=Order.Filled", "event_type"],
    ["?event_type=order.filled,", "event_type"],
    ["?event_type=order.filled,bad%20type", "event_type"],
    ["?event_type=a&event_type=b", "event_type"],
    [`?user_id=${"u".repeat(257)}`, "user_id"],
    ["?user_id=", "user_id"],
    ["?since=now", "since"],
  ])("rejects %s with a JSON 400 naming %s", async (query, field) => {
    const res = await request(app).get(`/api/v1/events/stream${query}`);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
    expect(res.body.error).toContain(field);
  });

  it("drops a client that stops reading once its queue passes the bound, ending with event: overflow", async () => {
    const own = new LiveEventsPoller(new EventsTailReader(db.sql), { intervalMs: 20, logger });
    const ownApp = express();
    ownApp.use(streamRoutes({ live: own, maxBufferedBytes: 64 * 1024 }));
    const ownServer = ownApp.listen(0, "127.0.0.1");
    await once(ownServer, "listening");
    try {
      const client = await SseClient.connect(`http://127.0.0.1:${(ownServer.address() as AddressInfo).port}/api/v1/events/stream`);
      clients.push(client);
      await client.ready();
      client.res.pause(); // stops reading: the kernel's buffers fill, then the server's queue

      // ~20 MiB of events, well past what the sockets' buffers hold.
      const big = (i: number) => ({ ...liveEvent("order.placed"), properties: { i, pad: "x".repeat(10_000) } });
      for (let chunk = 0; chunk < 4; chunk++) await events.copyMany(Array.from({ length: 500 }, (_, i) => big(chunk * 500 + i)));
      await waitUntil(() => own.subscriberCount === 0, "the slow client to be dropped");

      client.res.resume();
      await client.waitFor(() => client.ended, "the stream to end");
      const last = client.frames[client.frames.length - 1];
      expect(last).toEqual({ event: "overflow", data: JSON.stringify({ reason: "client too slow", max_buffered_bytes: 64 * 1024 }) });
      expect(client.events().length).toBeLessThan(2000);
    } finally {
      await own.close();
      ownServer.closeAllConnections();
      await new Promise((resolve) => ownServer.close(resolve));
    }
  });

  it("refuses a stream past maxClients with a 503", async () => {
    const limited = express();
    limited.use(streamRoutes({ live: poller, maxClients: 1 }));
    limited.use(errorHandler(logger));
    const first = await connect();
    await first.ready();
    const res = await request(limited).get("/api/v1/events/stream");
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("too_many_streams");
  });

  it("refuses a client past its own stream cap with a 429, and takes it again once one of its streams closes", async () => {
    const limited = express();
    limited.use(streamRoutes({ live: poller, maxPerClient: 2 }));
    limited.use(errorHandler(logger));
    const limitedServer = limited.listen(0, "127.0.0.1");
    await once(limitedServer, "listening");
    const url = `http://127.0.0.1:${(limitedServer.address() as AddressInfo).port}/api/v1/events/stream`;
    const open: SseClient[] = [];
    try {
      for (let index = 0; index < 2; index++) open.push(await SseClient.connect(url));
      await Promise.all(open.map((client) => client.ready()));
      const refused = await request(limited).get("/api/v1/events/stream");
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: "too_many_streams", error: expect.stringContaining("max_streams_per_client") });
      expect(refused.headers["retry-after"]).toBeDefined();

      open.shift()!.close();
      await waitUntilAsync(async () => {
        const again = await SseClient.connect(url);
        open.push(again);
        return again.res.statusCode === 200;
      }, "a stream slot to come back");
    } finally {
      for (const client of open) client.close();
      limitedServer.closeAllConnections();
      await new Promise((resolve) => limitedServer.close(resolve));
    }
  });

  it("sends heartbeats, and close() ends every stream and refuses new ones", async () => {
    const own = new LiveEventsPoller(new EventsTailReader(db.sql), { intervalMs: 50, logger });
    const ownApp = express();
    ownApp.use(streamRoutes({ live: own, heartbeatMs: 100 }));
    ownApp.use(errorHandler(logger));
    const ownServer = ownApp.listen(0, "127.0.0.1");
    await once(ownServer, "listening");
    const url = `http://127.0.0.1:${(ownServer.address() as AddressInfo).port}/api/v1/events/stream`;
    try {
      const client = await SseClient.connect(url);
      clients.push(client);
      await client.waitFor(() => client.frames.some((frame) => frame.comment === "heartbeat"), "a heartbeat");

      await own.close();
      await client.waitFor(() => client.ended, "the stream to end");
      expect(own.polling).toBe(false);
      const refused = await request(ownApp).get("/api/v1/events/stream");
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe("shutting_down");
    } finally {
      ownServer.closeAllConnections();
      await new Promise((resolve) => ownServer.close(resolve));
    }
  });
});

async function waitUntilAsync(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
