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
  if (Number.isNaN(timestamp.getTime()) || !/^[0-9a-f-]{36}$/i.test(eventId)) return undefined;
  return { timestamp, eventId };
}
