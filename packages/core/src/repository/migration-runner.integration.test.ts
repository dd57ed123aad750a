import { createTestDatabase, type TestDatabase } from "../testing";
import { runMigrations, readMigrationFiles, defaultMigrationsDir } from "./migration-runner";

describe("runMigrations", () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase("migrations", { migrate: false });
  });

  afterEach(async () => {
    await db.drop();
  });

  it("applies every migration once and nothing the second time", async () => {
    const files = readMigrationFiles(defaultMigrationsDir());
    const first = await runMigrations(db.sql);
    expect(first).toHaveLength(files.length);
    const second = await runMigrations(db.sql);
    expect(second).toEqual([]);
    const rows = await db.sql<{ version: number }[]>`select version from schema_migrations order by version`;
    expect(rows.map((row) => row.version)).toEqual(files.map((file) => file.version));
  });

  it("applies each migration exactly once when several replicas migrate at the same moment", async () => {
    const results = await Promise.all([runMigrations(db.sql), runMigrations(db.sql), runMigrations(db.sql)]);
    const appliedCounts = results.map((applied) => applied.length).sort();
    const files = readMigrationFiles(defaultMigrationsDir());
    expect(appliedCounts).toEqual([0, 0, files.length]);
  });

  it("creates the schema the apps rely on: events partitioned by day, ids unique on their own", async () => {
    await runMigrations(db.sql);
    const [events] = await db.sql<{ kind: string }[]>`select relkind::text as kind from pg_class where relname = 'events'`;
    expect(events?.kind).toBe("p");
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    const partitions = await db.sql`select 1 from pg_class where relname = ${`events_${today}`}`;
    expect(partitions).toHaveLength(1);
    const id = "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11";
    await db.sql`insert into event_ids (event_id, event_time) values (${id}, ${new Date()})`;
    const later = new Date(Date.now() + 1000);
    const again = await db.sql`insert into event_ids (event_id, event_time) values (${id}, ${later}) on conflict do nothing`;
    expect(again.count).toBe(0);
    for (const table of ["metric_rollups", "custom_event_definitions", "api_keys"]) {
      const found = await db.sql`select to_regclass(${table}) as oid`;
      expect(found[0]?.oid).not.toBeNull();
    }
  });

  it("refuses to run when an applied migration file was edited afterwards", async () => {
    await runMigrations(db.sql);
    await db.sql`update schema_migrations set checksum = 'edited' where version = 1`;
    await expect(runMigrations(db.sql)).rejects.toThrow(/changed after it was applied/);
  });

  it("creates day partitions on demand, also when replicas race for the same day", async () => {
    await runMigrations(db.sql);
    const created = await Promise.all(
      Array.from({ length: 4 }, () => db.sql<{ created: boolean }[]>`select ensure_events_partition('2031-02-03') as created`),
    );
    expect(created.map((rows) => rows[0]?.created).filter(Boolean)).toHaveLength(1);
  });
});
