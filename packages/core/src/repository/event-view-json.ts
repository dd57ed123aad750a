// toEventView(event) as JSON text, built by PostgreSQL from an events row (alias-free columns of
// `events`). row_to_json writes compact JSON in the column order given, which is toEventView's;
// properties (jsonb) are embedded as PostgreSQL prints them (the same values, spaced). Times
// are cut to milliseconds as a JavaScript Date would hold them.

const UTC_ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const EVENT_VIEW_JSON_SQL = `(select row_to_json(v)::text from (select
    id, id as event_id, event_type, user_id, session_id, service, properties,
    to_char("timestamp" at time zone 'UTC', ${UTC_ISO_MS}) as "timestamp",
    to_char(created_at at time zone 'UTC', ${UTC_ISO_MS}) as created_at,
    to_char(created_at at time zone 'UTC', ${UTC_ISO_MS}) as received_at,
    case when source_topic is null then null else (select row_to_json(s) from (select
      source_topic as topic, coalesce(source_partition, 0) as "partition", coalesce(source_offset::text, '0') as "offset") s) end as source
  ) v)`;

/** One page of events: their EventViews' JSON texts joined by commas, newest first. */
export interface EventPageText {
  /** The array's contents without brackets ("" for no events). */
  eventsJson: string;
  count: number;
  /** The keyset position of the page's last event, when another page follows. */
  next?: { eventId: string; timestamp: Date };
}
