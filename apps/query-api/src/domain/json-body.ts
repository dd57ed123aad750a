/**
 * A JSON response body already encoded: one string, or UTF-8 parts to be sent one after
 * another (a month of one-minute points comes as the stored block texts, 11 MB that would
 * cost more to join and encode again than to read).
 */
export type JsonBody = string | readonly Buffer[];

export function jsonBodyBytes(body: JsonBody): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.reduce((bytes, part) => bytes + part.length, 0);
}

/** The body as one value, for a store that takes one (Redis). */
export function joinedJsonBody(body: JsonBody): string | Buffer {
  return typeof body === "string" ? body : Buffer.concat(body);
}
