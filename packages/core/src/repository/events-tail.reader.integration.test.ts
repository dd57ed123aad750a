import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "../models";
import { createTestDatabase, type TestDatabase } from "../testing";
import { EventsTailReader, type TailPosition } from "./events-tail.reader";
import { EventsRepository } from "./events.repository";
import { EventPartitionsRepository } from "./partitions.repository";

function event(eventType = "order.placed"): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType,
    userId: "user-1",
    sessionId: null,
    properties: { symbol: "BTCUSDT" },
    timestamp: new Date("2025-10-03T12:00:00Z"),
    receivedAt: new Date("2025-10-03T12:00:01Z"),
    source: null,
  };
}

const ids = (events: readonly AnalyticsEvent[]) => events.map((e) => e.eventId).sort();

describe("EventsTailReader", () => {
  let db: TestDatabase;
  let tail: EventsTailReader;
  let repository: EventsRepository;

  beforeAll(async () => {
    db = await createTestDatabase("events_tail_reader");
    tail = new EventsTailReader(db.sql);
    repository = new EventsRepository(db.sql);
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date("2025-10-03T00:00:00Z")]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** A horizon past the transaction that stored `earlier` (a transaction still open elsewhere on the server holds it back). */
  async function horizonAfter(earlier: AnalyticsEvent): Promise<bigint> {
    const [row] = await db.sql<{ xid: string }[]>`select write_xid::text as xid from events where id = ${earlier.eventId}`;
    for (let attempt = 0; attempt < 200; attempt++) {
      const horizon = await tail.horizon();
      if (horizon > BigInt(row!.xid)) return horizon;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the horizon never passed the earlier event");
  }

  it("starting at the horizon, reads only events stored afterwards, each once", async () => {
    const earlier = event();
    await repository.copyMany([earlier]);
    const start: TailPosition = { xid: await horizonAfter(earlier) };
    const later = [event(), event("order.filled")];
    await repository.copyMany(later);

    const first = await tail.read(start, { limit: 100 });
    expect(ids(first.events)).toEqual(ids(later));
    expect(first.more).toBe(false);
    expect(first.next.xid).toBeGreaterThan(start.xid);
    expect((await tail.read(first.next, { limit: 100 })).events).toEqual([]);
  });

  it("pages through one large transaction without losing or repeating an event", async () => {
    const start: TailPosition = { xid: await tail.horizon() };
    const batch = Array.from({ length: 7 }, () => event());
    await repository.copyMany(batch);

    const seen: AnalyticsEvent[] = [];
    let position = start;
    for (let page = 0; page < 10; page++) {
      const read = await tail.read(position, { limit: 3 });
      seen.push(...read.events);
      position = read.next;
      if (!read.more) break;
    }
    expect(ids(seen)).toEqual(ids(batch));
  });

  it("reads only the wanted types when asked", async () => {
    const start: TailPosition = { xid: await tail.horizon() };
    const filled = event("order.filled");
    await repository.copyMany([event("order.placed"), filled]);
    const read = await tail.read(start, { limit: 100, eventTypes: ["order.filled", "trade.executed"] });
    expect(ids(read.events)).toEqual([filled.eventId]);
  });

  it("waits for a transaction still open below the horizon, then reads what it stored", async () => {
    const start: TailPosition = { xid: await tail.horizon() };
    const writer = await db.sql.reserve();
    try {
      const slow = event();
      await writer`begin`;
      await writer`select pg_current_xact_id()`;
      await repository.copyMany([event()]); // commits while the first transaction is still open
      expect((await tail.read(start, { limit: 100 })).events).toEqual([]);

      await writer`insert into events (id, event_type, "timestamp", created_at, properties)
                   values (${slow.eventId}, ${slow.eventType}, ${slow.timestamp}, ${slow.receivedAt}, '{}')`;
      await writer`commit`;
      const read = await tail.read(start, { limit: 100 });
      expect(read.events.map((e) => e.eventId)).toContain(slow.eventId);
      expect(read.events).toHaveLength(2);
    } finally {
      writer.release();
    }
  });

  it("reads whole transactions: a page ends at a transaction boundary, and a transaction larger than the page comes whole", async () => {
    const marker = event();
    await repository.copyMany([marker]);
    const start = await horizonAfter(marker);
    const transactions = [[event(), event(), event()], [event(), event()], [event(), event(), event(), event(), event()]];
    for (const events of transactions) await repository.copyMany(events);
    await horizonAfter(transactions[2]![0]!);
    const shape = { columns: "id::text as id", toEvent: (row: Record<string, unknown>) => row.id as string };

    const pages: string[][] = [];
    let from = start;
    for (let more = true; more; ) {
      const page = await db.sql.begin((tx) => tail.readTransactions(tx, from, 4, shape));
      if (page.events.length > 0) pages.push([...page.events].sort());
      from = page.nextXid;
      more = page.more;
    }
    // 3 + 2 would pass 4: the first page stops after the first transaction; the third (5 > 4) comes whole.
    expect(pages).toEqual([ids(transactions[0]!), ids(transactions[1]!), ids(transactions[2]!)]);
    expect(await tail.readTransactions(db.sql, from, 4, shape)).toMatchObject({ events: [], more: false });
  });
});
