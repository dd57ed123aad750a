import { isEventId, isStorableTime } from "@trading-analytics/core";

/** Opaque keyset cursor: the (timestamp, id) of the last event of a page. */
export interface EventCursor {
  timestamp: Date;
  eventId: string;
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(`${cursor.timestamp.toISOString()}|${cursor.eventId}`, "utf8").toString("base64url");
}

export function decodeCursor(text: string): EventCursor | undefined {
  const [time, eventId] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (!time || !eventId) return undefined;
  const timestamp = new Date(time);
  // A tampered time PostgreSQL cannot compare with (year 99999) is a bad cursor, not a 500.
  if (!isStorableTime(timestamp) || !isEventId(eventId)) return undefined;
  return { timestamp, eventId };
}
