import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { parseMigrationFileName } from "../repository/migration-plan";
import { defaultMigrationsDir, runMigrations } from "../repository/migration-runner";
import type { Sql } from "../repository/database";
import { TEST_DATABASE_URL, uniqueSuffix } from "./stack-env";

export interface TestDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Refuses to touch a database whose name does not say it is a test database. */
export function assertTestDatabaseName(name: string): void {
  if (!/_test_/.test(name)) throw new Error(`refusing to use database ${name}: test helpers only touch *_test_* databases`);
}

/** A fresh, empty database on the real server, optionally migrated; drop() removes it. */
export async function createTestDatabase(prefix: string, { migrate = true } = {}): Promise<TestDatabase> {
  const name = `${prefix}_test_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  assertTestDatabaseName(name);
  const admin = postgres(urlFor("postgres"), { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = urlFor(name);
  const sql = postgres(url, { max: 5, onnotice: () => undefined });
  if (migrate) await runMigrations(sql);
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const dropper = postgres(urlFor("postgres"), { max: 1, onnotice: () => undefined });
      try {
        assertTestDatabaseName(name);
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Applies the migrations numbered below `version` only: a database as an older release left it, to upgrade in a test. */
export async function migrateBefore(sql: Sql, version: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "migrations-"));
  try {
    for (const name of readdirSync(defaultMigrationsDir())) {
      const parsed = parseMigrationFileName(name);
      if (parsed && parsed.version < version) copyFileSync(path.join(defaultMigrationsDir(), name), path.join(dir, name));
    }
    await runMigrations(sql, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
