import type { SessionDelta, SessionKey } from "../rollups/user-sessions";
import type { Sql, SqlTransaction } from "./database";

type Db = Sql | SqlTransaction;

const LEAST = ["started_at", "login_at", "first_order_at"];
const GREATEST = ["ended_at", "logout_at"];
const SUMMED = ["event_count", "orders_placed", "order_fills", "page_views", "button_clicks"];
const MERGE_SET = [
  ...LEAST.map((c) => `${c} = least(s.${c}, excluded.${c})`),
  ...GREATEST.map((c) => `${c} = greatest(s.${c}, excluded.${c})`),
  ...SUMMED.map((c) => `${c} = s.${c} + excluded.${c}`),
  "updated_at = now()",
].join(",\n    ");
const INPUT_COLUMNS = `user_id text, session_id text, started_at timestamptz, ended_at timestamptz, event_count integer,
  login_at timestamptz, logout_at timestamptz, first_order_at timestamptz, orders_placed integer, order_fills integer,
  page_views integer, button_clicks integer`;
const WRITTEN_COLUMNS = INPUT_COLUMNS.split(",").map((column) => column.trim().split(" ")[0]!).join(", ");

/**
 * user_sessions: one row per (user_id, session_id) (migration 0025). The aggregator merges each
 * page's session deltas in one upsert inside its cycle's transaction; a rebuild deletes the
 * sessions it refolds.
 */
export class UserSessionsRepository {
  /** Merges the deltas (one per session) into their rows in one upsert. */
  async merge(tx: Db, deltas: readonly SessionDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await tx.unsafe(
      `insert into user_sessions as s (${WRITTEN_COLUMNS})
       select ${WRITTEN_COLUMNS} from jsonb_to_recordset($1::text::jsonb) as x(${INPUT_COLUMNS})
       on conflict (session_id, (coalesce(user_id, '')), (user_id is null)) do update set
       ${MERGE_SET}`,
      [JSON.stringify(deltas.map(toInputRow))],
    );
  }

  /**
   * Deletes the rows of these sessions (a rebuild refolds them); returns the span of event times
   * they covered, so the refold can read every event they had.
   */
  async deleteSessions(tx: Db, keys: readonly SessionKey[]): Promise<{ from: Date; to: Date } | undefined> {
    if (keys.length === 0) return undefined;
    const [row] = await tx.unsafe<{ from: Date | null; to: Date | null }[]>(
      `with gone as (
         delete from user_sessions s using jsonb_to_recordset($1::text::jsonb) as k(user_id text, session_id text)
         where s.session_id = k.session_id and s.user_id is not distinct from k.user_id
         returning s.started_at, s.ended_at)
       select min(started_at) as from, max(ended_at) as to from gone`,
      [JSON.stringify(keys.map((key) => ({ user_id: key.userId, session_id: key.sessionId })))],
    );
    return row?.from && row.to ? { from: row.from, to: row.to } : undefined;
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toInputRow(delta: SessionDelta) {
  return {
    user_id: delta.userId,
    session_id: delta.sessionId,
    started_at: iso(delta.startedAtMs),
    ended_at: iso(delta.endedAtMs),
    event_count: delta.eventCount,
    login_at: iso(delta.loginAtMs),
    logout_at: iso(delta.logoutAtMs),
    first_order_at: iso(delta.firstOrderAtMs),
    orders_placed: delta.ordersPlaced,
    order_fills: delta.orderFills,
    page_views: delta.pageViews,
    button_clicks: delta.buttonClicks,
  };
}
