import { CommandFailed, EXIT } from "../cli-errors";
import { write } from "../command";
import { utcTime } from "../format/table";
import { loadCliConfig, withSql } from "../runtime";
import type { TradingCommand } from "./trading.args";
import { figuresJson, figuresText, normalizeRow, type ResultColumn } from "./trading.format";
import { tradingQuery } from "./trading.query";
import { errorMessage } from "@trading-analytics/core";

const UNDEFINED_FUNCTION = "42883";

export async function executeTrading(command: TradingCommand): Promise<number> {
  const config = loadCliConfig();
  const query = tradingQuery(command);
  const { columns, rows } = await withSql(config, async (sql) => {
    try {
      const result = await sql.unsafe(query.text, query.params);
      const columns: ResultColumn[] = result.columns.map((column) => ({ name: column.name, type: column.type }));
      return { columns, rows: result.map((row) => normalizeRow(columns, row as Record<string, unknown>)) };
    } catch (error) {
      // A database the migrations have not reached yet: say which step is missing.
      if ((error as { code?: unknown }).code === UNDEFINED_FUNCTION) {
        throw new CommandFailed(`the database has no ${query.fn}(): run "analytics migrate" first (${errorMessage(error)})`);
      }
      throw error;
    }
  });
  if (command.json) {
    write(JSON.stringify(figuresJson(rows)));
    return EXIT.ok;
  }
  const when = command.kind === "at" ? `at ${utcTime(command.at)} UTC` : `between ${utcTime(command.from)} and ${utcTime(command.to)} UTC`;
  if (rows.length === 0) {
    write(`No rows from ${query.fn} ${when}.`);
    return EXIT.ok;
  }
  write(`${query.fn} ${when}`);
  write(figuresText(columns, rows));
  if (rows.length === command.limit) write(`(first ${command.limit} rows; raise --limit for more)`);
  return EXIT.ok;
}
