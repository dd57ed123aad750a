import type { AnalyticsEvent } from "../models";
import { createTestDatabase, migrateBefore, type TestDatabase } from "../testing";
import { EventsRepository } from "./events.repository";
import { runMigrations } from "./migration-runner";

/** Migration 0014: events columns take the reference's names (id, "timestamp", created_at). */
const UPGRADE = 14;

const OLD = {
  placed: "aaaaaaaa-0000-4000-8000-000000000001",
  filled: "aaaaaaaa-0000-4000-8000-000000000002",
  login: "aaaaaaaa-0000-4000-8000-000000000003",
};

/** Every stored column of every events row, read under the given names of id, time and receipt. */
const rowsNamed = (id: string, time: string, received: string) => `
  select ${id}::text as event_id, event_type, ${time}::text as event_time, ${received}::text as received_at, user_id, session_id,
         properties, source_topic, source_partition, source_offset::text as source_offset, write_xid::text as write_xid,
         tableoid::regclass::text as partition
  from events order by ${id}`;

interface IndexRow {
  name: string;
  definition: string;
}

const EVENTS_INDEXES = `
  select c.relname::text as name, pg_get_indexdef(c.oid) as definition
  from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
  where t.relname = 'events' or t.relname like 'events\\_2%'
  order by 1`;

describe("migration 0014 on a populated database", () => {
  let db: TestDatabase;
  let before: unknown[];
  let indexesBefore: IndexRow[];

  beforeAll(async () => {
    db = await createTestDatabase("columns_upgrade", { migrate: false });
    await migrateBefore(db.sql, UPGRADE);
    await db.sql`select ensure_events_partitions('2026-03-01', '2026-03-02')`;
    // Stored the way the previous release stored them: microseconds, sources, nulls and all.
    await db.sql`insert into event_ids (event_id, event_time) values
      (${OLD.placed}, '2026-03-01T10:00:00.123456Z'), (${OLD.filled}, '2026-03-01T10:00:01.5Z'), (${OLD.login}, '2026-03-02T08:00:00Z')`;
    await db.sql`insert into events (event_id, event_type, event_time, received_at, user_id, session_id, properties, source_topic, source_partition, source_offset) values
      (${OLD.placed}, 'order.placed', '2026-03-01T10:00:00.123456Z', '2026-03-01T10:00:00.2Z', 'trader-1', 's-1',
       '{"symbol":"BTCUSDT","price":50000.5,"quantity":0.1,"strategy_id":"momentum-v1"}', 'order.events', 3, 9007199254740993),
      (${OLD.filled}, 'order.filled', '2026-03-01T10:00:01.5Z', '2026-03-01T10:00:02Z', 'trader-1', null,
       '{"symbol":"BTCUSDT","price":50001,"quantity":0.1}', null, null, null),
      (${OLD.login}, 'user.login', '2026-03-02T08:00:00Z', '2026-03-02T08:00:00.001Z', null, null, '{}', 'user.actions', 0, 0)`;
    before = await db.sql.unsafe(rowsNamed("event_id", "event_time", "received_at"));
    indexesBefore = await db.sql.unsafe<IndexRow[]>(EVENTS_INDEXES);
    await runMigrations(db.sql);
  });

  afterAll(() => db?.drop());

  it("keeps every row and every value under the new names, in the same partitions", async () => {
    expect(before).toHaveLength(3);
    expect(await db.sql.unsafe(rowsNamed("id", '"timestamp"', "created_at"))).toEqual(before);
    const columns = await db.sql<{ name: string }[]>`
      select attname::text as name from pg_attribute where attrelid = 'events'::regclass and attnum > 0 and not attisdropped order by attnum`;
    expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(["id", "timestamp", "created_at"]));
    expect(columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(["event_id"]));
  });

  it("keeps every index (now naming the new columns) and adds the GIN index on properties to each partition", async () => {
    const after = await db.sql.unsafe<IndexRow[]>(EVENTS_INDEXES);
    const renamed = (definition: string) =>
      definition.replace(/\bevent_id\b/g, "id").replace(/\bevent_time\b/g, '"timestamp"').replace(/\breceived_at\b/g, "created_at");
    // Beside the GIN index, 0015's partial index on service is new (the upgrade runs every later migration too).
    expect(after.filter((index) => !/gin|\(service, /.test(index.definition))).toEqual(indexesBefore.map((index) => ({ ...index, definition: renamed(index.definition) })));
    const gin = after.filter((index) => index.definition.includes("USING gin (properties jsonb_path_ops)"));
    const partitions = await db.sql<{ name: string }[]>`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'events'::regclass`;
    expect(partitions.map((p) => p.name)).toEqual(expect.arrayContaining(["events_20260301", "events_20260302"]));
    expect(gin.map((index) => index.name).sort()).toEqual(["events_properties_gin_idx", ...partitions.map((p) => `${p.name}_properties_idx`)].sort());
  });

  it("answers the reference's SQL, and finds properties by containment through the GIN index", async () => {
    expect(await db.sql`select id::text as id, event_type from events where "timestamp" > '2026-03-01' order by timestamp desc limit 10`).toEqual([
      { id: OLD.login, event_type: "user.login" },
      { id: OLD.filled, event_type: "order.filled" },
      { id: OLD.placed, event_type: "order.placed" },
    ]);
    const plan = await db.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx<{ "QUERY PLAN": string }[]>`explain select id from events where properties @> '{"strategy_id":"momentum-v1"}'`;
    });
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Bitmap Index Scan on events_2026030[12]_properties_idx/);
    expect(await db.sql`select id::text as id from events where properties @> '{"strategy_id":"momentum-v1"}'`).toEqual([{ id: OLD.placed }]);
  });

  it("reads the old rows and stores new ones through the repository, an old id still refused", async () => {
    const repository = new EventsRepository(db.sql);
    const [placed] = await repository.find({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-02T00:00:00Z"), eventType: "order.placed", limit: 10 });
    expect(placed).toEqual({
      eventId: OLD.placed,
      eventType: "order.placed",
      userId: "trader-1",
      sessionId: "s-1",
      properties: { symbol: "BTCUSDT", price: 50000.5, quantity: 0.1, strategy_id: "momentum-v1" },
      timestamp: new Date("2026-03-01T10:00:00.123Z"),
      receivedAt: new Date("2026-03-01T10:00:00.200Z"),
      source: { topic: "order.events", partition: 3, offset: "9007199254740993" },
    });
    const page = await repository.findPage({ start: new Date("2026-03-02T00:00:00Z"), end: new Date("2026-03-03T00:00:00Z"), limit: 10 });
    expect(JSON.parse(`[${page.eventsJson}]`)).toEqual([
      expect.objectContaining({ id: OLD.login, event_id: OLD.login, timestamp: "2026-03-02T08:00:00.000Z", created_at: "2026-03-02T08:00:00.001Z", received_at: "2026-03-02T08:00:00.001Z" }),
    ]);

    const fresh: AnalyticsEvent = { ...placed!, eventId: "bbbbbbbb-0000-4000-8000-000000000001", receivedAt: new Date(), source: null };
    const resent: AnalyticsEvent = { ...placed!, properties: { ...placed!.properties, price: 1 } };
    const result = await repository.copyMany([fresh, resent]);
    expect(result.inserted).toBe(1);
    expect(result.insertedIds).toEqual(new Set([fresh.eventId]));
    expect(result.conflictingIds).toEqual(new Set([OLD.placed]));
    expect(await repository.countByIds([fresh.eventId, OLD.placed])).toBe(2);
  });
});
