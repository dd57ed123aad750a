// One fresh, migrated database per leg on the stack's PostgreSQL server, and the check of
// what a leg stored against what was produced (by event id).
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Config, createSql, runMigrations, type Sql } from "@trading-analytics/core";
import { TEST_DATABASE_URL } from "@trading-analytics/core/testing";

/** Legs may run long statements (one COPY of every row); the app default of 60 s is too short. */
const BENCH_STATEMENT_TIMEOUT_MS = 60 * 60 * 1000;

export function databaseUrl(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export function connect(url: string, applicationName: string, max = 4): Sql {
  const database: Config["database"] = {
    url,
    port: 5432,
    database: "unused (url wins)",
    user: "unused (url wins)",
    password: "",
    ssl_mode: "disable",
    max_connections: max,
    idle_timeout: 30_000,
    connection_lifetime: 60 * 60 * 1000,
    connect_timeout: 10_000,
    statement_timeout: BENCH_STATEMENT_TIMEOUT_MS,
  };
  return createSql(database, { applicationName, max });
}

function assertBenchDatabaseName(name: string): void {
  if (!/^bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch database ${name}: not a bench_* database`);
}

async function onAdminDatabase<T>(work: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = connect(databaseUrl("postgres"), "bench-admin", 1);
  try {
    return await work(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

export async function createBenchDatabase(leg: string, suffix: string): Promise<BenchDatabase> {
  const name = `bench_${leg}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  assertBenchDatabaseName(name);
  await onAdminDatabase((admin) => admin.unsafe(`create database "${name}"`));
  const url = databaseUrl(name);
  const sql = connect(url, `bench-${leg}`);
  const drop = async () => {
    await sql.end({ timeout: 5 });
    await onAdminDatabase((admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
  };
  try {
    await runMigrations(sql);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, sql, drop };
}

/** Flushes dirty pages now, so no leg pays for the checkpoint the previous leg's writes are due. */
export async function checkpoint(): Promise<void> {
  await onAdminDatabase((admin) => admin`checkpoint`);
}

export interface StoredCheck {
  rows: number;
  /** Produced ids with no row. */
  lost: number;
  /** Rows beyond one per id. */
  duplicated: number;
  /** Ids stored that were never produced (e.g. derived from a Kafka position). */
  unexpected: number;
}

/** Compares the events table with the produced ids: COPYs them into a table and anti-joins. */
export async function checkStored(sql: Sql, ids: readonly string[]): Promise<StoredCheck> {
  await sql`create unlogged table bench_expected_ids (event_id uuid not null)`;
  const writable = await sql`copy bench_expected_ids (event_id) from stdin`.writable();
  await pipeline(Readable.from(chunkLines(ids, 50_000)), writable);
  await sql`analyze bench_expected_ids`;
  const [counts] = await sql<{ rows: number; distinct_ids: number }[]>`
    select count(*)::int as rows, count(distinct event_id)::int as distinct_ids from events`;
  const [lost] = await sql<{ n: number }[]>`
    select count(*)::int as n from bench_expected_ids x
    where not exists (select 1 from events e where e.event_id = x.event_id)`;
  const [unexpected] = await sql<{ n: number }[]>`
    select count(distinct e.event_id)::int as n from events e
    where not exists (select 1 from bench_expected_ids x where x.event_id = e.event_id)`;
  await sql`drop table bench_expected_ids`;
  return {
    rows: counts!.rows,
    lost: lost!.n,
    duplicated: counts!.rows - counts!.distinct_ids,
    unexpected: unexpected!.n,
  };
}

function* chunkLines(values: readonly string[], perChunk: number): Generator<string> {
  for (let i = 0; i < values.length; i += perChunk) yield values.slice(i, i + perChunk).join("\n") + "\n";
}

export async function countRows(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from events`;
  return row!.n;
}

/** "PostgreSQL 15.8 (shared_buffers 128MB, synchronous_commit on, max_wal_size 1GB)" */
export function describeServer(): Promise<string> {
  return onAdminDatabase(async (admin) => {
    const settings = await admin<{ name: string; value: string }[]>`
      select name, current_setting(name) as value from pg_settings
      where name in ('server_version', 'shared_buffers', 'synchronous_commit', 'max_wal_size')`;
    const value = (name: string) => settings.find((setting) => setting.name === name)?.value ?? "?";
    return `PostgreSQL ${value("server_version")} (shared_buffers ${value("shared_buffers")}, synchronous_commit ${value("synchronous_commit")}, max_wal_size ${value("max_wal_size")})`;
  });
}
