// The query leg's data, made by SQL rather than through the aggregator (10M events would take
// too long to fold here): raw events over 30 days from one INSERT ... SELECT over
// generate_series; their 1m count rollups are computed by SQL too (shared/dataset).
import type { Sql } from "@trading-analytics/core";
import { ensureEventPartitions } from "../shared/dataset";

export const QUERY_EVENT_TYPES = ["market.data.update", "order.placed", "order.filled", "order.canceled", "position.closed", "page.view"] as const;
const DAYS = 30;
const DAY_MS = 86_400_000;

export interface MonthOfEvents {
  fromMs: number;
  toMs: number;
}

export async function insertMonthOfRawEvents(sql: Sql, count: number, toMs: number): Promise<MonthOfEvents> {
  const fromMs = toMs - DAYS * DAY_MS;
  const from = new Date(fromMs);
  await ensureEventPartitions(sql, fromMs, toMs);
  await sql`
    insert into events (id, event_type, "timestamp", created_at, user_id, session_id, properties)
    select gen_random_uuid(),
           (${QUERY_EVENT_TYPES as unknown as string[]}::text[])[1 + g % ${QUERY_EVENT_TYPES.length}],
           t, t + interval '20 milliseconds', 'user-' || g % 25, 'session-' || g % 40,
           jsonb_build_object('symbol', (array['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])[1 + g % 3],
                              'price', round((100 + random() * 900)::numeric, 2), 'quantity', round((0.01 + random() * 5)::numeric, 3))
    from (select g, ${from}::timestamptz + random() * ${DAYS}::int * interval '1 day' as t
          from generate_series(1, ${count}::int) g) spread`;
  return { fromMs, toMs };
}
