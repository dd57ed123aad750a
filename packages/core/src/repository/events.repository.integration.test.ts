import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, toEventView } from "../models";
import { createTestDatabase, type TestDatabase } from "../testing";
import { EventsRepository } from "./events.repository";
import { EventPartitionsRepository } from "./partitions.repository";

function event(overrides: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType: "order.placed",
    userId: "user-1",
    sessionId: "session-1",
    properties: { symbol: "BTCUSDT", price: 50_000 },
    timestamp: new Date("2025-10-03T12:00:00Z"),
    receivedAt: new Date("2025-10-03T12:00:01Z"),
    source: { topic: "order.events", partition: 0, offset: "1" },
    ...overrides,
  };
}

describe("EventsRepository.copyMany", () => {
  let db: TestDatabase;
  let repository: EventsRepository;

  beforeAll(async () => {
    db = await createTestDatabase("events_repository");
    repository = new EventsRepository(db.sql);
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date("2025-10-03T00:00:00Z"), new Date("2025-10-04T00:00:00Z")]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    await db.sql`truncate events, event_ids`;
  });

  it("stores a batch and counts it per type", async () => {
    const batch = [event(), event(), event({ eventType: "order.filled" })];
    const result = await repository.copyMany(batch);
    expect(result.inserted).toBe(3);
    expect(Object.fromEntries(result.insertedByType)).toEqual({ "order.placed": 2, "order.filled": 1 });
    expect(await repository.countByIds(batch.map((e) => e.eventId))).toBe(3);
  });

  it("stores only the new rows of a batch that was partly stored before (a re-delivery)", async () => {
    const first = Array.from({ length: 50 }, () => event());
    await repository.copyMany(first);
    const fresh = Array.from({ length: 7 }, () => event({ eventType: "page.view" }));
    const result = await repository.copyMany([...first.slice(10, 30), ...fresh]);
    expect(result.inserted).toBe(7);
    expect(Object.fromEntries(result.insertedByType)).toEqual({ "page.view": 7 });
    const [{ n }] = (await db.sql`select count(*)::int as n from events`) as unknown as [{ n: number }];
    expect(n).toBe(57);
  });

  it("keeps one row when a batch carries the same event twice", async () => {
    const twice = event();
    const result = await repository.copyMany([twice, { ...twice }, event()]);
    expect(result.inserted).toBe(2);
  });

  it("stores an id once even when its copies carry different times", async () => {
    const original = event();
    await repository.copyMany([original]);
    const resent = { ...original, timestamp: new Date("2025-10-03T12:00:07Z") };
    const result = await repository.copyMany([resent, event()]);
    expect(result.inserted).toBe(1);
    expect(await repository.countByIds([original.eventId])).toBe(1);
  });

  it("round-trips text COPY would otherwise misread: tabs, newlines, backslashes, quotes, unicode, nulls", async () => {
    const tricky = event({
      userId: "tab\there",
      sessionId: null,
      properties: { note: "line1\nline2\r\n", path: "C:\\temp\\x", quote: "\"q\"", emoji: "📈 ünïcode", nested: { a: [1, null, "\\N"] } },
      source: null,
    });
    await repository.copyMany([tricky]);
    const [stored] = await repository.find({ start: new Date("2025-10-03T00:00:00Z"), end: new Date("2025-10-04T00:00:00Z"), limit: 10 });
    expect(stored).toEqual({ ...tricky, receivedAt: tricky.receivedAt });
  });

  it("stores NexusCore's service, escaped like every text, and reads it back only where one was named", async () => {
    const named = event({ eventType: "user_login", service: "auth\tservice\n", properties: { method: "password" } });
    const unnamed = event({ timestamp: new Date("2025-10-03T12:00:02Z") });
    await repository.copyMany([named, unnamed]);
    const rows = await db.sql<{ id: string; service: string | null }[]>`select id, service from events order by "timestamp"`;
    expect(rows).toEqual([
      { id: named.eventId, service: "auth\tservice\n" },
      { id: unnamed.eventId, service: null },
    ]);
    const day = { start: new Date("2025-10-03T00:00:00Z"), end: new Date("2025-10-04T00:00:00Z"), limit: 10 };
    expect(await repository.find(day)).toEqual([unnamed, named]);
    expect(await repository.find({ ...day, service: "auth\tservice\n" })).toEqual([named]);
  });

  it("takes another service under a stored id for another event: a conflict, not a re-delivery", async () => {
    const original = event({ service: "auth-service" });
    await repository.copyMany([original]);
    const result = await repository.copyMany([{ ...original, service: "profile-service" }, { ...original }]);
    expect(result.inserted).toBe(0);
    expect(result.conflictingIds).toEqual(new Set([original.eventId]));
    const same = await repository.copyMany([{ ...original }]);
    expect(same).toMatchObject({ inserted: 0 });
    expect(same.conflictingIds).toBeUndefined();
  });
});

describe("EventsRepository.findPage", () => {
  let db: TestDatabase;
  let repository: EventsRepository;

  beforeAll(async () => {
    db = await createTestDatabase("events_views");
    repository = new EventsRepository(db.sql);
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date("2025-10-03T00:00:00Z")]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("gives find()'s page, in its order, each event as the JSON of toEventView, and the next page's position", async () => {
    const events = [
      event(),
      event({ userId: null, sessionId: null, source: null, timestamp: new Date("2025-10-03T12:00:00.5Z") }),
      event({ eventType: "user_search", service: "search-service", properties: { query: "ada" }, timestamp: new Date("2025-10-03T12:00:00.25Z") }),
      event({ eventType: "page.view", properties: { path: "/ü/\"quoted\"\n", nested: { a: [1, 2.5, null, true], "": "empty key" }, big: 1e21, tiny: -0.000001 } }),
      event({ source: { topic: "trading.events", partition: 7, offset: "9007199254740993" }, timestamp: new Date("2025-10-03T00:00:00Z") }),
      ...Array.from({ length: 20 }, (_, i) => event({ timestamp: new Date(Date.UTC(2025, 9, 3, 5, 0, i)) })),
    ];
    await repository.copyMany(events);
    // Microseconds, which a Date cannot hold: both forms cut them the same way.
    await db.sql`update events set "timestamp" = "timestamp" + interval '0.000789 seconds', created_at = created_at + interval '0.000999 seconds' where id = ${events[0]!.eventId}`;
    const day = { start: new Date("2025-10-03T00:00:00Z"), end: new Date("2025-10-04T00:00:00Z") };
    const queries = [
      { ...day, limit: 100 },
      { ...day, limit: 25 }, // exactly every event: no next page
      { ...day, limit: 10, service: "search-service" },
      { ...day, limit: 5, eventType: "order.placed", before: { timestamp: new Date("2025-10-03T05:00:10Z"), eventId: events[14]!.eventId } },
      { ...day, limit: 10, properties: { path: "/ü/\"quoted\"\n" } },
      { ...day, limit: 7, eventType: "no.such.type" },
    ];
    for (const query of queries) {
      const [rows, page] = await Promise.all([repository.find({ ...query, limit: query.limit + 1 }), repository.findPage(query)]);
      const expected = rows.slice(0, query.limit);
      expect(JSON.parse(`[${page.eventsJson}]`)).toEqual(expected.map((row) => JSON.parse(JSON.stringify(toEventView(row)))));
      expect(page.count).toBe(expected.length);
      const last = expected[expected.length - 1];
      expect(page.next && [page.next.eventId, page.next.timestamp.getTime()]).toEqual(rows.length > query.limit && last ? [last.eventId, last.timestamp.getTime()] : undefined);
    }
  });
});
