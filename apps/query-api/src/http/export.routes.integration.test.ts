import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import express, { type Express } from "express";
import request from "supertest";
import {
  type AnalyticsEvent,
  createLogger,
  createSql,
  EventPartitionsRepository,
  EventsExportReader,
  EventsRepository,
  type Sql,
} from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { errorHandler, notFound } from "./error.middleware";
import { exportRoutes, type ExportRoutesDeps } from "./export.routes";

// A forced collection before each heap sample measures what the export keeps alive, not
// garbage V8 has yet to collect.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const logger = createLogger({ level: "error", format: "json" }, "query-api");
const DAY_MS = 86_400_000;

function exportApp(sql: Sql, options: Partial<ExportRoutesDeps> = {}): Express {
  const app = express();
  app.use(exportRoutes({ exporter: new EventsExportReader(sql), logger, ranges: { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS }, ...options }));
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}

async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `check` does, polling; fails the test instead of hanging. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("GET /api/v1/events/export", () => {
  let db: TestDatabase;
  let app: Express;

  // The small fixture lives on 2025-10-05; 100,000 generated events on 2025-10-03.
  const fixtureRange = { start_time: "2025-10-05T00:00:00Z", end_time: "2025-10-06T00:00:00Z" };
  const bigRange = { start_time: "2025-10-03T00:00:00Z", end_time: "2025-10-04T00:00:00Z" };
  const BIG_ROWS = 100_000;
  const received = new Date("2025-10-05T12:00:05.000Z");
  const fixture: AnalyticsEvent[] = [
    {
      eventId: "00000000-0000-4000-8000-000000000003",
      eventType: "order.placed",
      userId: "user-1",
      sessionId: "session-1",
      properties: { symbol: "BTCUSDT", price: 50000.5 },
      timestamp: new Date("2025-10-05T12:00:00.000Z"),
      receivedAt: received,
      source: { topic: "order.events", partition: 2, offset: "41" },
    },
    {
      // Same time as the event above with a smaller id: the id breaks the tie.
      eventId: "00000000-0000-4000-8000-000000000001",
      eventType: "order.filled",
      userId: null,
      sessionId: null,
      properties: { note: 'fill, "partial"\nsecond line' },
      timestamp: new Date("2025-10-05T12:00:00.000Z"),
      receivedAt: received,
      source: null,
    },
    {
      eventId: "00000000-0000-4000-8000-000000000002",
      eventType: "order.filled",
      userId: "user, the second",
      sessionId: "session-2",
      properties: {},
      timestamp: new Date("2025-10-05T11:59:59.250Z"),
      receivedAt: received,
      source: null,
    },
  ];

  beforeAll(async () => {
    db = await createTestDatabase("query_api_export");
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date(bigRange.start_time), new Date(fixtureRange.start_time)]);
    await new EventsRepository(db.sql).copyMany(fixture);
    // ~300 bytes of properties each: the export is tens of megabytes, far above any batch.
    await db.sql`
      insert into events (id, event_type, "timestamp", created_at, user_id, session_id, properties)
      select gen_random_uuid(), case when i % 2 = 0 then 'order.placed' else 'order.filled' end,
             ${bigRange.start_time}::timestamptz + i * interval '10 ms', now(), 'user-' || (i % 100), null,
             jsonb_build_object('seq', i, 'symbol', 'ETHUSDT', 'pad', repeat('x', 250))
      from generate_series(1, ${BIG_ROWS}) as i`;
    await db.sql`analyze events`;
    app = exportApp(db.sql);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("exports CSV with a header, RFC 4180 quoting and properties as JSON text, oldest first", async () => {
    const res = await request(app)
      .get("/api/v1/events/export")
      .query({ format: "csv", ...fixtureRange });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="events-20251005T000000Z-20251006T000000Z.csv"');
    expect(res.text).toBe(
      [
        "event_id,event_type,user_id,session_id,timestamp,received_at,properties,id,created_at,service",
        '00000000-0000-4000-8000-000000000002,order.filled,"user, the second",session-2,2025-10-05T11:59:59.250Z,2025-10-05T12:00:05.000Z,{},00000000-0000-4000-8000-000000000002,2025-10-05T12:00:05.000Z,',
        '00000000-0000-4000-8000-000000000001,order.filled,,,2025-10-05T12:00:00.000Z,2025-10-05T12:00:05.000Z,"{""note"":""fill, \\""partial\\""\\nsecond line""}",00000000-0000-4000-8000-000000000001,2025-10-05T12:00:05.000Z,',
        '00000000-0000-4000-8000-000000000003,order.placed,user-1,session-1,2025-10-05T12:00:00.000Z,2025-10-05T12:00:05.000Z,"{""price"":50000.5,""symbol"":""BTCUSDT""}",00000000-0000-4000-8000-000000000003,2025-10-05T12:00:05.000Z,',
        "",
      ].join("\n"),
    );
  });

  it("keeps a raw newline inside a quoted CSV field", async () => {
    const res = await request(app)
      .get("/api/v1/events/export")
      .query({ format: "csv", ...fixtureRange, user_id: "user, the second" });
    expect(res.text.split("\n")).toHaveLength(3);

    // A user id holding a newline and a quote shows the quoting of plain columns too.
    const odd: AnalyticsEvent = { ...fixture[2]!, eventId: "00000000-0000-4000-8000-000000000009", userId: 'a "b"\nc' };
    await new EventsRepository(db.sql).copyMany([odd]);
    try {
      const oddRes = await request(app)
        .get("/api/v1/events/export")
        .query({ format: "csv", ...fixtureRange, user_id: 'a "b"\nc' });
      expect(oddRes.text).toBe(
        "event_id,event_type,user_id,session_id,timestamp,received_at,properties,id,created_at,service\n" +
          '00000000-0000-4000-8000-000000000009,order.filled,"a ""b""\nc",session-2,2025-10-05T11:59:59.250Z,2025-10-05T12:00:05.000Z,{},00000000-0000-4000-8000-000000000009,2025-10-05T12:00:05.000Z,\n',
      );
    } finally {
      await db.sql`delete from events where id = ${odd.eventId}`;
    }
  });

  it("exports NDJSON: one event view per line, as GET /api/v1/events shows it", async () => {
    const res = await request(app)
      .get("/api/v1/events/export")
      .query({ format: "ndjson", ...fixtureRange, event_type: "order.filled" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/x-ndjson");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="events-20251005T000000Z-20251006T000000Z.ndjson"');
    expect(res.text).toBe(
      '{"id":"00000000-0000-4000-8000-000000000002","event_id":"00000000-0000-4000-8000-000000000002","event_type":"order.filled","user_id":"user, the second","session_id":"session-2","service":null,"properties":{},"timestamp":"2025-10-05T11:59:59.250Z","created_at":"2025-10-05T12:00:05.000Z","received_at":"2025-10-05T12:00:05.000Z","source":null}\n' +
        '{"id":"00000000-0000-4000-8000-000000000001","event_id":"00000000-0000-4000-8000-000000000001","event_type":"order.filled","user_id":null,"session_id":null,"service":null,"properties":{"note":"fill, \\"partial\\"\\nsecond line"},"timestamp":"2025-10-05T12:00:00.000Z","created_at":"2025-10-05T12:00:05.000Z","received_at":"2025-10-05T12:00:05.000Z","source":null}\n',
    );
    const sourced = await request(app)
      .get("/api/v1/events/export")
      .query({ format: "ndjson", ...fixtureRange, session_id: "session-1" });
    expect(JSON.parse(sourced.text)).toMatchObject({ event_id: fixture[0]!.eventId, source: { topic: "order.events", partition: 2, offset: "41" } });
  });

  it("answers an empty range with only the CSV header, or an empty NDJSON body", async () => {
    const empty = { start_time: "2025-10-05T00:00:00Z", end_time: "2025-10-05T01:00:00Z" };
    const csv = await request(app).get("/api/v1/events/export").query({ format: "csv", ...empty });
    expect(csv.status).toBe(200);
    expect(csv.text).toBe("event_id,event_type,user_id,session_id,timestamp,received_at,properties,id,created_at,service\n");
    const ndjson = await request(app).get("/api/v1/events/export").query({ format: "ndjson", ...empty });
    expect(ndjson.status).toBe(200);
    expect(ndjson.text).toBe("");
  });

  it.each([
    [{}, "format"],
    [{ format: "xml" }, "format"],
    [{ format: "csv", start_time: "yesterday" }, "start_time"],
    [{ format: "csv", end_time: "2025-13-45T00:00:00Z" }, "end_time"],
    [{ format: "csv", start_time: "2025-10-06T00:00:00Z", end_time: "2025-10-05T00:00:00Z" }, "start_time"],
    [{ format: "csv", event_type: "Order Placed" }, "event_type"],
    [{ format: "csv", user_id: "u".repeat(257) }, "user_id"],
    [{ format: "csv", session_id: "" }, "session_id"],
    [{ format: "csv", limit: "10" }, "limit"],
    [{ format: "csv", cursor: "abc" }, "cursor"],
    [{ format: "csv", colour: "blue" }, "colour"],
    [{ format: "csv", start_time: "2000-01-01T00:00:00Z", end_time: "2025-10-06T00:00:00Z" }, "start_time"],
  ])("rejects %j with a JSON 400 naming %s", async (params, field) => {
    const res = await request(app).get("/api/v1/events/export").query(params);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["content-disposition"]).toBeUndefined();
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
    expect(res.body.error).toContain(field);
  });

  it("answers HEAD with the headers GET would send, without running the export", async () => {
    let exports = 0;
    const counting = exportApp(db.sql, {
      exporter: {
        forEachBatch: (...args: Parameters<EventsExportReader["forEachBatch"]>) => {
          exports += 1;
          return new EventsExportReader(db.sql).forEachBatch(...args);
        },
      },
    });
    const head = await request(counting).head("/api/v1/events/export").query({ format: "csv", ...bigRange });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(head.headers["content-disposition"]).toBe('attachment; filename="events-20251003T000000Z-20251004T000000Z.csv"');
    expect(head.text ?? "").toBe("");
    expect(exports).toBe(0);
    expect((await request(counting).head("/api/v1/events/export").query({ format: "xml" })).status).toBe(400);
  });

  it("refuses a client's export past max_exports_per_client with a 429, and takes it again once one ends", async () => {
    const server = await listen(exportApp(db.sql, { maxPerClient: 2 }));
    const requests: http.ClientRequest[] = [];
    try {
      const query = new URLSearchParams({ format: "ndjson", ...bigRange });
      for (let index = 0; index < 2; index++) {
        const req = http.get(`${server.url}/api/v1/events/export?${query}`);
        requests.push(req);
        const [res] = (await once(req, "response")) as [http.IncomingMessage];
        expect(res.statusCode).toBe(200);
        res.pause(); // holds its export (and its connection) open
      }
      const refused = await fetch(`${server.url}/api/v1/events/export?${query}`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("10");
      expect(await refused.json()).toMatchObject({
        error: expect.stringContaining("max_exports_per_client"),
        code: "too_many_exports",
        retry_after: 10,
      });

      requests.shift()!.destroy();
      await eventually(async () => {
        const again = await fetch(`${server.url}/api/v1/events/export?${new URLSearchParams({ format: "csv", ...fixtureRange })}`);
        await again.text();
        return again.status === 200 ? true : undefined;
      }, "an export slot to come back");
    } finally {
      for (const req of requests) req.destroy();
      await server.close();
    }
  });

  it("rejects a format given twice", async () => {
    const res = await request(app).get("/api/v1/events/export?format=csv&format=ndjson");
    expect(res.status).toBe(400);
    expect(res.body.field).toBe("format");
  });

  it("answers a JSON 503 query_timeout when the query runs past its time limit before its first row", async () => {
    const locker = await db.sql.reserve();
    try {
      await locker`begin`;
      await locker`lock table events in access exclusive mode`;
      const quiet = createLogger({ level: "error", format: "json" }, "query-api");
      quiet.silent = true;
      const res = await request(exportApp(db.sql, { statementTimeoutMs: 100, logger: quiet }))
        .get("/api/v1/events/export")
        .query({ format: "csv", ...fixtureRange });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe("query_timeout");
    } finally {
      await locker`rollback`;
      locker.release();
    }
  });

  it(`streams all ${BIG_ROWS} rows through a socket in order while the heap stays flat`, async () => {
    const server = await listen(app);
    try {
      collectGarbage();
      const baseline = process.memoryUsage().heapUsed;
      const retained: number[] = [];
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);

      let rows = 0;
      let bytes = 0;
      let partial = "";
      let outOfOrder = 0;
      const query = new URLSearchParams({ format: "ndjson", ...bigRange });
      const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get(`${server.url}/api/v1/events/export?${query}`, resolve).on("error", reject),
      );
      expect(res.statusCode).toBe(200);
      res.setEncoding("utf8");
      for await (const chunk of res as AsyncIterable<string>) {
        bytes += Buffer.byteLength(chunk);
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          rows += 1;
          if ((JSON.parse(line) as { properties: { seq: number } }).properties.seq !== rows) outOfOrder += 1;
          if (rows % 10_000 === 0) {
            collectGarbage();
            retained.push(process.memoryUsage().heapUsed - baseline);
          }
        }
      }
      clearInterval(sampler);

      expect(partial).toBe("");
      expect(rows).toBe(BIG_ROWS);
      expect(outOfOrder).toBe(0);
      expect(bytes).toBeGreaterThan(40 * 1024 * 1024);
      // Bound: what the export keeps alive (server and client together, after a collection)
      // stays under 8 MiB, against more than 40 MiB sent (a batch of 500 rows is about 0.2 MiB).
      // Even the uncollected peak, garbage included, stays under half the body.
      const worst = Math.max(...retained);
      expect(worst).toBeLessThan(8 * 1024 * 1024);
      expect(peak - baseline).toBeLessThan(bytes / 2);
      process.stdout.write(
        `export of ${rows} rows: ${(bytes / 2 ** 20).toFixed(1)} MiB sent; heap retained at most ${(worst / 2 ** 20).toFixed(1)} MiB, peak growth ${((peak - baseline) / 2 ** 20).toFixed(1)} MiB\n`,
      );
    } finally {
      await server.close();
    }
  });

  describe("with a one-connection pool", () => {
    let single: Sql;
    beforeEach(() => {
      single = createSql(
        {
          url: db.url,
          port: 5432,
          database: "unused (url wins)",
          user: "unused (url wins)",
          password: "",
          ssl_mode: "disable",
          max_connections: 1,
          idle_timeout: 60_000,
          connection_lifetime: 3_600_000,
          connect_timeout: 10_000,
          statement_timeout: 60_000,
        },
        { applicationName: "export_test_pool" },
      );
    });
    afterEach(async () => {
      await single.end({ timeout: 5 });
    });

    /** The pool's one backend, once it has left the export's transaction. */
    const idleBackend = () =>
      eventually(async () => {
        const [row] = await db.sql<{ state: string }[]>`
          select state from pg_stat_activity where application_name = 'export_test_pool'`;
        return row?.state === "idle" ? row.state : undefined;
      }, "the export's connection to go idle");

    async function selectOne(sql: Sql): Promise<number | undefined> {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("pool still busy")), 10_000).unref());
      const [row] = await Promise.race([sql<{ one: number }[]>`select 1 as one`, timeout]);
      return row?.one;
    }

    it("stops the query and frees the connection when the client disconnects mid-export", async () => {
      const server = await listen(exportApp(single));
      try {
        const query = new URLSearchParams({ format: "csv", ...bigRange });
        const req = http.get(`${server.url}/api/v1/events/export?${query}`);
        const [res] = (await once(req, "response")) as [http.IncomingMessage];
        expect(res.statusCode).toBe(200);
        await once(res, "data");
        req.destroy();

        await idleBackend();
        expect(await selectOne(single)).toBe(1);
      } finally {
        await server.close();
      }
    });

    it("ends the export of a client that reads steadily but slowly at export_timeout, freeing the connection", async () => {
      const server = await listen(exportApp(single, { statementTimeoutMs: 1500, stallTimeoutMs: 60_000 }));
      try {
        const query = new URLSearchParams({ format: "ndjson", ...bigRange });
        const req = http.get(`${server.url}/api/v1/events/export?${query}`);
        const [res] = (await once(req, "response")) as [http.IncomingMessage];
        // A trickle: never idle long enough to count as stalled.
        res.on("data", () => {
          res.pause();
          setTimeout(() => res.resume(), 50);
        });
        const ended = new Promise((resolve) => res.once("close", resolve));
        const started = Date.now();
        await idleBackend();
        expect(await selectOne(single)).toBe(1);
        await ended;
        expect(res.complete).toBe(false);
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await server.close();
      }
    });

    it("drops a client that stops reading and frees the connection", async () => {
      const server = await listen(exportApp(single, { stallTimeoutMs: 300 }));
      try {
        const query = new URLSearchParams({ format: "ndjson", ...bigRange });
        const req = http.get(`${server.url}/api/v1/events/export?${query}`);
        const [res] = (await once(req, "response")) as [http.IncomingMessage];
        await once(res, "data");
        res.pause(); // the socket's buffers fill, and the server's writes stop draining

        await idleBackend();
        expect(await selectOne(single)).toBe(1);
        const ended = new Promise((resolve) => res.once("close", resolve));
        res.resume();
        await ended;
        expect(res.complete).toBe(false);
      } finally {
        await server.close();
      }
    });
  });
});
