import type { Sql } from "postgres";

export interface StoredSample {
  at: number;
  stored: number;
}

/**
 * Events/s stored between the moments `low` and `high` of the backlog were stored: the
 * steady middle of a drain, without the group join before it or the stragglers after it.
 */
export function drainRate(samples: readonly StoredSample[], backlog: number, low = 0.1, high = 0.9): { eventsPerSecond: number; seconds: number } | undefined {
  const from = samples.find((s) => s.stored >= backlog * low);
  const to = samples.find((s) => s.stored >= backlog * high);
  if (!from || !to || to.at <= from.at) return undefined;
  const seconds = (to.at - from.at) / 1000;
  return { eventsPerSecond: Math.round((to.stored - from.stored) / seconds), seconds };
}

/** Polls the events table until the backlog is stored, then the drain rate. */
export async function measureDrain(sql: Sql, backlog: number, timeoutMs = 600_000): Promise<{ eventsPerSecond: number; seconds: number }> {
  const samples: StoredSample[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await sql<Array<{ n: number }>>`select count(*)::int as n from events`;
    samples.push({ at: Date.now(), stored: row!.n });
    if (row!.n >= backlog) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const rate = drainRate(samples, backlog);
  if (!rate) throw new Error(`the backlog of ${backlog} events was not stored within ${timeoutMs / 1000} s (stored ${samples.at(-1)?.stored ?? 0})`);
  return rate;
}
