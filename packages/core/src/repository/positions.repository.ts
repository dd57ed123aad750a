import type { PositionDelta } from "../rollups/positions";
import type { Sql, SqlTransaction } from "./database";

type Db = Sql | SqlTransaction;

/** positionIdOf() over an events row in SQL: the non-empty string position_id, else NULL. */
export const POSITION_KEY_SQL = `(case when jsonb_typeof(properties->'position_id') = 'string' and properties->>'position_id' <> '' then properties->>'position_id' end)`;

// The descriptive columns follow the least (rank, time, event id) event of the position.
const INCOMING_SOURCE_WINS = "(excluded.source_rank, excluded.source_time, excluded.source_event_id) < (p.source_rank, p.source_time, p.source_event_id)";
// The close columns follow the least (time, event id) close.
const INCOMING_CLOSE_WINS =
  "(p.closed_at is null or (excluded.closed_at is not null and (excluded.closed_at, excluded.close_event_id) < (p.closed_at, p.close_event_id)))";
const FROM_SOURCE = ["symbol", "side", "strategy_id", "quantity", "entry_price", "source_rank", "source_time", "source_event_id"];
const FROM_CLOSE = ["closed_at", "close_event_id", "exit_price", "reported_realized_pnl"];
const MERGE_SET = [
  ...FROM_SOURCE.map((c) => `${c} = case when ${INCOMING_SOURCE_WINS} then excluded.${c} else p.${c} end`),
  ...FROM_CLOSE.map((c) => `${c} = case when ${INCOMING_CLOSE_WINS} then excluded.${c} else p.${c} end`),
  "opened_at = least(p.opened_at, excluded.opened_at)",
  "first_event_at = least(p.first_event_at, excluded.first_event_at)",
  "last_event_at = greatest(p.last_event_at, excluded.last_event_at)",
  "updated_at = now()",
].join(",\n    ");
const INPUT_COLUMNS = `position_id text, symbol text, side text, strategy_id text, quantity float8, entry_price float8,
  source_rank smallint, source_time timestamptz, source_event_id uuid, opened_at timestamptz, closed_at timestamptz,
  close_event_id uuid, exit_price float8, reported_realized_pnl float8, first_event_at timestamptz, last_event_at timestamptz`;
const WRITTEN_COLUMNS = INPUT_COLUMNS.split(",").map((column) => column.trim().split(" ")[0]!).join(", ");

/**
 * positions: one row per position (migration 0024). The aggregator merges each page's position
 * deltas in one statement inside its cycle's transaction; the figures are read through the SQL
 * functions of the migration (see PositionsReader).
 */
export class PositionsRepository {
  /** Merges the deltas (one per position) into their rows in one upsert. */
  async merge(tx: Db, deltas: readonly PositionDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await tx.unsafe(
      `insert into positions as p (${WRITTEN_COLUMNS})
       select ${WRITTEN_COLUMNS} from jsonb_to_recordset($1::text::jsonb) as x(${INPUT_COLUMNS})
       on conflict (position_id) do update set
       ${MERGE_SET}`,
      [JSON.stringify(deltas.map(toInputRow))],
    );
  }

  /**
   * Deletes the rows of these positions (a rebuild refolds them); returns the span of event times
   * they covered, so the refold can read every event they had.
   */
  async deletePositions(tx: Db, positionIds: readonly string[]): Promise<{ from: Date; to: Date } | undefined> {
    if (positionIds.length === 0) return undefined;
    const [row] = await tx<{ from: Date | null; to: Date | null }[]>`
      with gone as (delete from positions where position_id = any(${tx.array([...positionIds])}::text[]) returning first_event_at, last_event_at)
      select min(first_event_at) as from, max(last_event_at) as to from gone`;
    return row?.from && row.to ? { from: row.from, to: row.to } : undefined;
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toInputRow(delta: PositionDelta) {
  const { source, close } = delta;
  return {
    position_id: delta.positionId,
    symbol: source.symbol,
    side: source.side,
    strategy_id: source.strategyId,
    quantity: source.quantity,
    entry_price: source.entryPrice,
    source_rank: source.rank,
    source_time: iso(source.timeMs),
    source_event_id: source.eventId,
    opened_at: iso(delta.openedAtMs),
    closed_at: iso(close?.timeMs ?? null),
    close_event_id: close?.eventId ?? null,
    exit_price: close?.exitPrice ?? null,
    reported_realized_pnl: close?.realizedPnl ?? null,
    first_event_at: iso(delta.firstEventAtMs),
    last_event_at: iso(delta.lastEventAtMs),
  };
}
