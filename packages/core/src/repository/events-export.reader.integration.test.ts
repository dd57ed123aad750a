import { randomUUID } from "node:crypto";
import postgres from "postgres";
import type { AnalyticsEvent } from "../models";
import { createTestDatabase, type TestDatabase } from "../testing";
import { EventsExportReader } from "./events-export.reader";
import { EventsRepository } from "./events.repository";
import { EventPartitionsRepository } from "./partitions.repository";

describe("EventsExportReader", () => {
  let db: TestDatabase;
  const base = Date.parse("2025-10-03T12:00:00Z");
  // Two events share a timestamp so the id tie-break is exercised.
  const events: AnalyticsEvent[] = Array.from({ length: 23 }, (_, i) => ({
    eventId: randomUUID(),
    eventType: i % 3 === 0 ? "order.filled" : "order.placed",
    userId: `user-${i % 2}`,
    sessionId: null,
    properties: { i },
    timestamp: new Date(base + Math.min(i, 21) * 1000),
    receivedAt: new Date(base + 60_000),
    source: null,
  }));
  const range = { start: new Date("2025-10-03T00:00:00Z"), end: new Date("2025-10-04T00:00:00Z") };
  const inOrder = [...events].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.eventId < b.eventId ? -1 : 1));

  beforeAll(async () => {
    db = await createTestDatabase("events_export_reader");
    await new EventPartitionsRepository(db.sql).ensureForTimes([range.start]);
    await new EventsRepository(db.sql).copyMany(events);
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function readAll(reader: EventsExportReader, filter = range, batchSize = 5) {
    const batches: AnalyticsEvent[][] = [];
    const count = await reader.forEachBatch(filter, async (batch) => void batches.push(batch), { batchSize });
    return { batches, count };
  }

  it("reads every matching event once, oldest first by time then id, in batches of the cursor's size", async () => {
    const { batches, count } = await readAll(new EventsExportReader(db.sql));
    expect(count).toBe(23);
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat().map((event) => event.eventId)).toEqual(inOrder.map((event) => event.eventId));
    expect(batches[0]![0]).toEqual(inOrder[0]);
  });

  it("applies the type, user and time filters", async () => {
    const filter = { start: new Date(base + 3000), end: new Date(base + 15_000), eventType: "order.filled", userId: "user-0" };
    const { batches } = await readAll(new EventsExportReader(db.sql), filter);
    const expected = inOrder.filter(
      (e) => e.eventType === "order.filled" && e.userId === "user-0" && e.timestamp >= filter.start && e.timestamp < filter.end,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(batches.flat().map((event) => event.eventId)).toEqual(expected.map((event) => event.eventId));
  });

  it("closes the cursor and frees the connection when the handler throws", async () => {
    const single = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      const reader = new EventsExportReader(single);
      const failure = reader.forEachBatch(range, async () => Promise.reject(new Error("client went away")), { batchSize: 2 });
      await expect(failure).rejects.toThrow("client went away");
      const [row] = await single<{ one: number }[]>`select 1 as one`;
      expect(row?.one).toBe(1);
    } finally {
      await single.end();
    }
  });

  it("stops when aborted between batches and leaves the connection usable", async () => {
    const single = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      const abort = new AbortController();
      let seen = 0;
      const reading = new EventsExportReader(single).forEachBatch(
        range,
        async (batch) => {
          seen += batch.length;
          abort.abort();
        },
        { batchSize: 2, signal: abort.signal },
      );
      await expect(reading).rejects.toThrow();
      expect(seen).toBe(2);
      const [row] = await single<{ one: number }[]>`select 1 as one`;
      expect(row?.one).toBe(1);
    } finally {
      await single.end();
    }
  });

  /** Holds an exclusive lock on events until released: a query on it waits, as on a long sort. */
  async function lockEvents(): Promise<() => Promise<void>> {
    const locker = await db.sql.reserve();
    await locker`begin`;
    await locker`lock table events in access exclusive mode`;
    return async () => {
      await locker`rollback`;
      locker.release();
    };
  }

  it("stops at its first batch when aborted while the query is still running", async () => {
    const release = await lockEvents();
    const abort = new AbortController();
    let batches = 0;
    const reading = new EventsExportReader(db.sql).forEachBatch(range, async () => void batches++, { signal: abort.signal });
    const settled = reading.catch((error: Error) => error);
    abort.abort();
    await release();
    expect(await settled).toMatchObject({ name: "AbortError" });
    expect(batches).toBe(0);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where query like '%order by "timestamp", id%' and state <> 'idle' and pid <> pg_backend_pid()`;
    expect(row?.n).toBe(0);
  });

  it("applies its statement_timeout to the export and only to it", async () => {
    const single = postgres(db.url, { max: 1, onnotice: () => undefined });
    const release = await lockEvents();
    try {
      const reading = new EventsExportReader(single).forEachBatch(range, async () => undefined, { statementTimeoutMs: 200 });
      await expect(reading).rejects.toMatchObject({ code: "57014", message: expect.stringContaining("statement timeout") });
      const [after] = await single<{ timeout: string }[]>`select current_setting('statement_timeout') as timeout`;
      expect(after?.timeout).toBe("0");
    } finally {
      await release();
      await single.end();
    }
  });
});
