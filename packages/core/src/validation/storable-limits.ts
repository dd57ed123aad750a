// Limits of what can be stored, checked before a value reaches PostgreSQL: past them a stored row
// fails its whole batch (retried forever by the ingester) or a bound query parameter fails (a 500).

const EARLIEST_MS = Date.parse("0001-01-01T00:00:00Z");
const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * True for a valid Date from year 1 to 9999 (UTC). Outside, toISOString writes what timestamptz
 * refuses ("0000-…", "+010000-…"); an invalid Date (a leap second "…T23:59:60Z" passes the
 * date-time format, not the Date parser) cannot be written at all.
 */
export function isStorableTime(time: Date): boolean {
  const ms = time.getTime();
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}

/** Deepest nesting of objects and arrays an event may have (the envelope is level 1): far more than real events need. */
export const MAX_EVENT_NESTING = 64;

/**
 * True when objects and arrays nest more than `max` levels deep (the value itself is level 1).
 * Walked without recursion, so any depth is safe here; JSON.stringify, recursive walkers and
 * PostgreSQL's jsonb parser all overflow their stacks somewhere past a few thousand levels.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
