import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "winston";
import type { Sql } from "./database";
import { checksumOf, type MigrationFile, parseMigrationFileName, planMigrations } from "./migration-plan";
import { errorMessage } from "../errors";

// Any constant works as long as every replica uses the same one.
const MIGRATION_LOCK_ID = 7_204_119_001;

export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .map((fileName) => ({ fileName, parsed: parseMigrationFileName(fileName) }))
    .filter((entry) => entry.parsed !== undefined)
    .map(({ fileName, parsed }) => {
      const text = readFileSync(path.join(dir, fileName), "utf8");
      return { version: parsed!.version, name: parsed!.name, sql: text, checksum: checksumOf(text) };
    })
    .sort((a, b) => a.version - b.version);
}

/** The repository's top-level migrations/ folder, found by walking up from this file. */
export function defaultMigrationsDir(): string {
  if (process.env.MIGRATIONS_DIR) return path.resolve(process.env.MIGRATIONS_DIR);
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "migrations");
    if (existsSync(path.join(dir, "pnpm-workspace.yaml")) && existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the migrations/ folder; set MIGRATIONS_DIR");
    dir = parent;
  }
}

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock so
 * that replicas starting together apply each migration exactly once. Returns the applied names.
 */
export async function runMigrations(sql: Sql, dir: string = defaultMigrationsDir(), logger?: Logger): Promise<string[]> {
  const files = readMigrationFiles(dir);
  // The lock is held by a session, so everything must happen on one reserved connection.
  const connection = await sql.reserve();
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await connection`
        create table if not exists schema_migrations (
          version    integer     primary key,
          name       text        not null,
          checksum   text        not null,
          applied_at timestamptz not null default now()
        )`;
      const applied = await connection<{ version: number; checksum: string }[]>`select version, checksum from schema_migrations`;
      const pending = planMigrations(files, [...applied]);
      const names: string[] = [];
      for (const migration of pending) {
        const label = `${String(migration.version).padStart(4, "0")}_${migration.name}`;
        await connection.unsafe("begin");
        try {
          await connection.unsafe(migration.sql);
          await connection`insert into schema_migrations (version, name, checksum) values (${migration.version}, ${migration.name}, ${migration.checksum})`;
          await connection.unsafe("commit");
        } catch (error) {
          await connection.unsafe("rollback");
          throw new Error(`migration ${label} failed: ${errorMessage(error)}`);
        }
        logger?.info("migration applied", { migration: label });
        names.push(label);
      }
      return names;
    } finally {
      await connection`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    connection.release();
  }
}
