import { randomUUID } from "node:crypto";
import { Registry } from "prom-client";
import { type AnalyticsEvent, createLogger, EventPartitionsRepository, EventsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { createIngesterMetrics } from "@trading-analytics/metrics";
import { EventWriter, type WriteRequest } from "./event-writer";

const time = new Date(Date.now() - 60_000);

function event(overrides: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType: "page.view",
    userId: "u1",
    sessionId: null,
    properties: { path: "/" },
    timestamp: time,
    receivedAt: new Date(),
    source: { topic: "user.actions", partition: 0, offset: "0" },
    ...overrides,
  };
}

const request = (events: AnalyticsEvent[]): WriteRequest => ({ events, abandoned: () => false, heartbeat: async () => undefined });

/** The EventWriter on the real database: what it coalesces, and what each chunk is told. */
describe("EventWriter", () => {
  let db: TestDatabase;
  let writer: EventWriter;

  beforeAll(async () => {
    db = await createTestDatabase("event_writer");
    writer = new EventWriter(
      {
        events: new EventsRepository(db.sql),
        partitions: new EventPartitionsRepository(db.sql),
        metrics: createIngesterMetrics(new Registry()),
        logger: createLogger({ level: "error", format: "json" }, "test"),
      },
      { maxEventsPerWrite: 100, maxInFlight: 1 },
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  const writeXids = async (ids: string[]) => {
    const rows = await db.sql<{ xid: string }[]>`select distinct write_xid::text as xid from events where id = any(${ids}::uuid[])`;
    return rows.map((row) => row.xid);
  };

  it("stores chunks submitted together in one transaction, and larger groups in several", async () => {
    const chunks = [30, 30, 30, 30].map((n) => Array.from({ length: n }, () => event()));
    const results = await Promise.all(chunks.map((chunk) => writer.write(request(chunk))));
    expect(results.map((result) => result?.inserted)).toEqual([30, 30, 30, 30]);
    // At most 100 events per transaction: the first three chunks together, the fourth apart.
    const first = await writeXids(chunks.slice(0, 3).flat().map((e) => e.eventId));
    const fourth = await writeXids(chunks[3]!.map((e) => e.eventId));
    expect(first).toHaveLength(1);
    expect(fourth).toHaveLength(1);
    expect(fourth[0]).not.toBe(first[0]);
  });

  it("tells each chunk what was new in it, counting an id carried by two chunks once", async () => {
    const stored = event();
    await writer.write(request([stored]));
    const shared = event({ eventType: "user.login" });
    const a = [stored, shared, event()];
    const b = [{ ...shared, timestamp: new Date(time.getTime() + 5000) }, event(), event()];
    const [ra, rb] = await Promise.all([writer.write(request(a)), writer.write(request(b))]);
    expect(ra).toMatchObject({ inserted: 2, insertedIds: new Set([shared.eventId, a[2]!.eventId]) });
    expect(Object.fromEntries(ra!.insertedByType)).toEqual({ "user.login": 1, "page.view": 1 });
    expect(rb).toMatchObject({ inserted: 2, insertedIds: new Set([b[1]!.eventId, b[2]!.eventId]) });
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from events where id = ${shared.eventId}`;
    expect(row?.n).toBe(1);
  });

  it("creates the daily partition an event needs", async () => {
    const old = event({ timestamp: new Date("2024-02-29T12:00:00Z") });
    expect(await writer.write(request([old]))).toMatchObject({ inserted: 1 });
    const [row] = await db.sql<{ name: string }[]>`select tableoid::regclass::text as name from events where id = ${old.eventId}`;
    expect(row?.name).toBe("events_20240229");
  });
});
