// The floor of a route: the very statements it sends to PostgreSQL, recorded while core's
// reader runs once (postgres.js's debug hook), then replayed on a pool of the bench's own and
// timed two ways: client-side (sent, executed, rows received) and inside the server (EXPLAIN
// ANALYZE execution time, no transfer).
import type { Sql } from "@trading-analytics/core";
import { type LatencySummary, median, summarizeLatencies } from "../shared/timing";

export interface RecordedStatement {
  text: string;
  /** As postgres.js serialized them, with the type OIDs it chose (0: left to the server). */
  parameters: unknown[];
  types: number[];
}

type DebugHook = (connection: number, text: string, parameters: unknown[], types: number[]) => void;

/** Runs `work` on `sql` and returns every statement it sent, in order. Nothing else may use `sql` meanwhile. */
export async function recordStatements(sql: Sql, work: () => Promise<unknown>): Promise<RecordedStatement[]> {
  const options = sql.options as unknown as { debug: boolean | DebugHook };
  const previous = options.debug;
  const recorded: RecordedStatement[] = [];
  options.debug = (_connection, text, parameters, types) => recorded.push({ text, parameters: [...parameters], types: [...types] });
  try {
    await work();
  } finally {
    options.debug = previous;
  }
  if (recorded.length === 0) throw new Error("the reader sent no statement");
  return recorded;
}

function replay(sql: Sql, statement: RecordedStatement, prefix = "") {
  const parameters = statement.parameters.map((value, index) => {
    const type = statement.types[index] ?? 0;
    return (type === 0 ? value : sql.typed(value, type)) as never;
  });
  return sql.unsafe(`${prefix}${statement.text}`, parameters, { prepare: true });
}

export interface FloorTiming {
  statements: number;
  /** All the statements sent at once on the pool (the route runs some one after another), timed by the client. */
  client: LatencySummary;
  /** Sum over the statements of the median EXPLAIN ANALYZE execution time. */
  serverMs: number;
}

export interface FloorOptions {
  /** Timed replays at most, and for at most budgetMs. */
  runs: number;
  budgetMs: number;
  explainRuns: number;
}

export async function measureFloor(sql: Sql, statements: readonly RecordedStatement[], options: FloorOptions): Promise<FloorTiming> {
  const once = () => Promise.all(statements.map((statement) => replay(sql, statement)));
  await once(); // warm: plans prepared, pages cached, as for the API after its warm-up
  const durations: number[] = [];
  const deadline = performance.now() + options.budgetMs;
  while (durations.length < options.runs && (durations.length < 5 || performance.now() < deadline)) {
    const started = performance.now();
    await once();
    durations.push(performance.now() - started);
  }
  let serverMs = 0;
  for (const statement of statements) {
    const times: number[] = [];
    for (let run = 0; run < options.explainRuns; run++) {
      const [row] = await replay(sql, statement, "explain (analyze, timing off, format json) ");
      times.push((row as unknown as { "QUERY PLAN": [{ "Execution Time": number }] })["QUERY PLAN"][0]["Execution Time"]);
    }
    serverMs += median(times)!;
  }
  return { statements: statements.length, client: summarizeLatencies(durations)!, serverMs };
}
