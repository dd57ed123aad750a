// Benchmarks' databases: a fresh, migrated bench_* database per leg on the stack's
// PostgreSQL server, created, handed out and dropped with force.
import type { Config } from "../../config";
import { createSql, type Sql } from "../../repository/database";
import { runMigrations } from "../../repository/migration-runner";
import { TEST_DATABASE_URL } from "../stack-env";

/** Legs run long statements (a COPY of every row, a raw GROUP BY); the app default of 60 s is too short. */
const BENCH_STATEMENT_TIMEOUT_MS = 60 * 60 * 1000;

export function databaseUrl(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A pool with the bench's statement timeout; open several for concurrent roles. */
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

/** "PostgreSQL 15.8 (shared_buffers 128MB, synchronous_commit on, work_mem 4MB, max_wal_size 1GB)" */
export function describeServer(): Promise<string> {
  return onAdminDatabase(async (admin) => {
    const settings = await admin<{ name: string; value: string }[]>`
      select name, current_setting(name) as value from pg_settings
      where name in ('server_version', 'shared_buffers', 'synchronous_commit', 'work_mem', 'max_wal_size')`;
    const value = (name: string) => settings.find((setting) => setting.name === name)?.value ?? "?";
    return `PostgreSQL ${value("server_version")} (shared_buffers ${value("shared_buffers")}, synchronous_commit ${value("synchronous_commit")}, work_mem ${value("work_mem")}, max_wal_size ${value("max_wal_size")})`;
  });
}
