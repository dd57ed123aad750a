#!/usr/bin/env node
// `pnpm migrate`: applies pending migrations from migrations/ and creates the events
// partitions ahead. Safe to run twice and from several replicas at once.
import { type Config, loadConfigOrExit } from "../config";
import { createLogger } from "../logger";
import { createSql } from "../repository/database";
import { defaultMigrationsDir, runMigrations } from "../repository/migration-runner";
import { EventPartitionsRepository } from "../repository/partitions.repository";

/** The whole command, given its config; `analytics migrate` (packages/cli) runs it too. */
export async function migrate(config: Config): Promise<void> {
  const logger = createLogger(config.logging, "migrate");
  const sql = createSql(config.database, { applicationName: "migrate", max: 1 });
  try {
    const dir = defaultMigrationsDir();
    const applied = await runMigrations(sql, dir, logger);
    const created = await new EventPartitionsRepository(sql).ensureAhead(config.analytics.ingestion.partitions_ahead_days);
    logger.info(applied.length > 0 ? "migrations applied" : "schema up to date", { applied, partitions_created: created, dir });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// Run as a program, not when imported.
if (require.main === module) {
  migrate(loadConfigOrExit().config).catch((error: Error) => {
    process.stderr.write(`migrate failed: ${error.message}\n`);
    process.exit(1);
  });
}
