import { createTestDatabase, migrateBefore, type TestDatabase } from "../testing";
import { DeploymentSettingsRepository } from "./deployment-settings.repository";
import { runMigrations } from "./migration-runner";

/** Migration 0013: event_ids from daily partitions into one table. */
const UPGRADE = 13;

describe("migration 0013 on a populated database", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("ids_upgrade", { migrate: false });
    await migrateBefore(db.sql, UPGRADE);
    await db.sql`select ensure_events_partitions('2026-03-01', '2026-03-03')`;
    // One id stored on two days (the old layout's hole), and ids of their own on each day.
    await db.sql`insert into event_ids (event_id, event_time) values
      ('11111111-1111-4111-8111-111111111111', '2026-03-01T10:00:00Z'),
      ('11111111-1111-4111-8111-111111111111', '2026-03-03T09:00:00Z'),
      ('22222222-2222-4222-8222-222222222222', '2026-03-02T12:00:00Z'),
      ('33333333-3333-4333-8333-333333333333', '2026-03-03T23:59:59Z')`;
    await db.sql`insert into events (event_id, event_type, event_time, received_at) values
      ('11111111-1111-4111-8111-111111111111', 'order.placed', '2026-03-01T10:00:00Z', now()),
      ('11111111-1111-4111-8111-111111111111', 'order.placed', '2026-03-03T09:00:00Z', now()),
      ('22222222-2222-4222-8222-222222222222', 'order.placed', '2026-03-02T12:00:00Z', now())`;
    await runMigrations(db.sql);
  });

  afterAll(() => db?.drop());

  it("keeps every id once, the earliest copy's time where one was stored on two days", async () => {
    const ids = await db.sql`select event_id::text as id, event_time as time from event_ids order by event_id`;
    expect(ids).toEqual([
      { id: "11111111-1111-4111-8111-111111111111", time: new Date("2026-03-01T10:00:00Z") },
      { id: "22222222-2222-4222-8222-222222222222", time: new Date("2026-03-02T12:00:00Z") },
      { id: "33333333-3333-4333-8333-333333333333", time: new Date("2026-03-03T23:59:59Z") },
    ]);
    expect(await db.sql`select count(*)::int as n from events`).toEqual([{ n: 3 }]);
  });

  it("leaves one table, unique on event_id across days, and no id partitions to create", async () => {
    expect(await db.sql`select relkind::text as kind from pg_class where relname = 'event_ids'`).toEqual([{ kind: "r" }]);
    expect(await db.sql`select count(*)::int as n from pg_class where relname like 'event\\_ids\\_2%'`).toEqual([{ n: 0 }]);
    await expect(db.sql`insert into event_ids values ('22222222-2222-4222-8222-222222222222', '2026-03-09T00:00:00Z')`).rejects.toThrow(/duplicate key/);
    await db.sql`select ensure_events_partition('2026-03-10')`;
    expect(await db.sql`select to_regclass('events_20260310') is not null as made, to_regclass('event_ids_20260310') is null as no_ids`).toEqual([{ made: true, no_ids: true }]);
  });

  it("gives the deployment a random namespace for derived ids", async () => {
    const namespace = await new DeploymentSettingsRepository(db.sql).derivedEventIdNamespace();
    expect(namespace).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = await createTestDatabase("ids_namespace");
    try {
      expect(await new DeploymentSettingsRepository(other.sql).derivedEventIdNamespace()).not.toBe(namespace);
    } finally {
      await other.drop();
    }
  });
});
