// The check of what a leg stored against what was produced (by event id). Databases, pools
// and cleanup come from @trading-analytics/core/testing, shared with the aggregator's bench.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql } from "@trading-analytics/core";

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
    select count(*)::int as rows, count(distinct id)::int as distinct_ids from events`;
  const [lost] = await sql<{ n: number }[]>`
    select count(*)::int as n from bench_expected_ids x
    where not exists (select 1 from events e where e.id = x.event_id)`;
  const [unexpected] = await sql<{ n: number }[]>`
    select count(distinct e.id)::int as n from events e
    where not exists (select 1 from bench_expected_ids x where x.event_id = e.id)`;
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
