import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "@trading-analytics/core/testing";

const run = promisify(execFile);

export type Row = Record<string, string>;

/**
 * Runs a seed's SQL text through psql, as the seed does (`psql -d … -c "…"`), and returns the
 * last statement's rows (CSV output, every value as psql prints it).
 */
export async function psql(databaseUrl: string, sqlText: string): Promise<Row[]> {
  const { stdout } = await run("psql", [databaseUrl, "--no-psqlrc", "--csv", "-v", "ON_ERROR_STOP=1", "-c", sqlText], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseCsv(stdout);
}

/** psql's CSV output: a header line, then rows; quoted fields may hold commas, quotes and newlines. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] ?? ""])));
}

/** Waits until `events` holds at least `count` rows (the ingester stores what the API accepted). */
export async function waitForStoredEvents(databaseUrl: string, count: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    async () => Number((await psql(databaseUrl, "SELECT COUNT(*) AS n FROM events"))[0]!.n),
    (stored) => stored >= count,
    { timeoutMs, what: `${count} events stored` },
  );
}
