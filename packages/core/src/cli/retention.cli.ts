#!/usr/bin/env node
// `pnpm retention run [--dry-run]`: drops the partitions past their kind's retention, the same
// work as the aggregators' scheduled job, under the same advisory lock.
import { ConfigError, loadConfig } from "../config";
import { createSql } from "../repository/database";
import { RetentionRepository } from "../repository/retention.repository";
import { parseRetentionCommand, type RetentionCommand, RetentionUsageError } from "../retention/retention-command";
import { formatRetentionReport, retentionReportJson } from "../retention/retention-report";
import { RetentionRunner, retentionSettings } from "../retention/retention-runner";

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The whole command (also `pnpm analytics retention`); exit code 0 done, 1 failed, 2 usage error. */
export async function retentionCli(argv: string[]): Promise<number> {
  let command: RetentionCommand;
  try {
    command = parseRetentionCommand(argv);
  } catch (error) {
    if (!(error instanceof RetentionUsageError)) throw error;
    process.stderr.write(`retention: ${error.message}\n\n${error.usage}\n`);
    return EXIT.usage;
  }
  if (command.kind === "help") {
    process.stdout.write(`${command.text}\n`);
    return EXIT.ok;
  }

  let config;
  try {
    config = loadConfig().config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.lines.join("\n")}\n`);
    process.stderr.write("retention reads the apps' configuration: set CONFIG_FILE (e.g. CONFIG_FILE=config.example.yaml) or DATABASE_URL, REDIS_URL and KAFKA_BROKERS.\n");
    return EXIT.failed;
  }
  const sql = createSql(config.database, { applicationName: "retention", max: 1 });
  try {
    const result = await new RetentionRunner(new RetentionRepository(sql), retentionSettings(config), undefined, "retention CLI").run({ dryRun: command.dryRun });
    if (result.status === "locked") {
      process.stderr.write("retention: another runner (an aggregator's scheduled job) is running retention now; nothing changed, try again later\n");
      return EXIT.failed;
    }
    process.stdout.write(command.json ? `${JSON.stringify(retentionReportJson(result))}\n` : `${formatRetentionReport(result)}\n`);
    return result.partitions.some((entry) => entry.error !== undefined) ? EXIT.failed : EXIT.ok;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (require.main === module) {
  // exitCode, not exit(): lets stdout drain when it is a pipe.
  retentionCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      process.stderr.write(`retention failed: ${error.message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
