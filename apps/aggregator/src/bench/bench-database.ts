// A fresh, migrated bench_* database per run on the stack's PostgreSQL server (the aggregator's
// equivalent of the ingester bench's helpers): created, handed out, dropped with force.
import { type Config, createSql, runMigrations, type Sql } from "@trading-analytics/core";
import { TEST_DATABASE_URL } from "@trading-analytics/core/testing";

/** Bench statements (a COPY of millions of rows, a raw GROUP BY) outlast the app default of 60 s. */
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
  /** The bench's own connections; open more with connect(url, …) for concurrent roles. */
  sql: Sql;
  drop(): Promise<void>;
}

export async function createBenchDatabase(purpose: string, suffix: string): Promise<BenchDatabase> {
  const name = `bench_${purpose}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  assertBenchDatabaseName(name);
  await onAdminDatabase((admin) => admin.unsafe(`create database "${name}"`));
  const url = databaseUrl(name);
  const sql = connect(url, `bench-${purpose}`);
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

/** "PostgreSQL 16.4 (shared_buffers 128MB, synchronous_commit on, work_mem 4MB)" */
export function describeServer(): Promise<string> {
  return onAdminDatabase(async (admin) => {
    const settings = await admin<{ name: string; value: string }[]>`
      select name, current_setting(name) as value from pg_settings
      where name in ('server_version', 'shared_buffers', 'synchronous_commit', 'work_mem')`;
    const value = (name: string) => settings.find((setting) => setting.name === name)?.value ?? "?";
    return `PostgreSQL ${value("server_version")} (shared_buffers ${value("shared_buffers")}, synchronous_commit ${value("synchronous_commit")}, work_mem ${value("work_mem")})`;
  });
}
