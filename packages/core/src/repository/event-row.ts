import type { AnalyticsEvent } from "../models";

/** One events row as the readers select it (see EVENT_ROW_COLUMNS). */
export interface EventRow {
  event_id: string;
  event_type: string;
  event_time: Date;
  received_at: Date;
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
  "event_id, event_type, event_time, received_at, user_id, session_id, service, properties, source_topic, source_partition, source_offset::text as source_offset";

export function eventFromRow(row: EventRow): AnalyticsEvent {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    userId: row.user_id,
    sessionId: row.session_id,
    ...(row.service !== null && { service: row.service }),
    properties: row.properties,
    timestamp: row.event_time,
    receivedAt: row.received_at,
    source:
      row.source_topic === null
        ? null
        : { topic: row.source_topic, partition: row.source_partition ?? 0, offset: row.source_offset ?? "0" },
  };
}
