import type { AnalyticsEvent } from "../models";

/** One events row as the readers select it (see EVENT_ROW_COLUMNS). */
export interface EventRow {
  id: string;
  event_type: string;
  timestamp: Date;
  created_at: Date;
  user_id: string | null;
  session_id: string | null;
  service: string | null;
  properties: Record<string, unknown>;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: string | null;
}

/** The select list that yields an EventRow (a constant: use it as `${sql.unsafe(EVENT_ROW_COLUMNS)}`). */
export const EVENT_ROW_COLUMNS =
  // source_offset is a bigint, read as text to keep it exact.
  `id, event_type, "timestamp", created_at, user_id, session_id, service, properties, source_topic, source_partition, source_offset::text as source_offset`;

export function eventFromRow(row: EventRow): AnalyticsEvent {
  return {
    eventId: row.id,
    eventType: row.event_type,
    userId: row.user_id,
    sessionId: row.session_id,
    ...(row.service !== null && { service: row.service }),
    properties: row.properties,
    timestamp: row.timestamp,
    receivedAt: row.created_at,
    source:
      row.source_topic === null
        ? null
        : { topic: row.source_topic, partition: row.source_partition ?? 0, offset: row.source_offset ?? "0" },
  };
}
