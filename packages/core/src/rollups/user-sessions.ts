// One user session as its events describe it, folded into a delta that merges with the stored
// user_sessions row by commutative rules: least and greatest times and summed counts. Any split
// of a session's events into batches, in any order, merges to the same row.

/** Event types that open a session: the platform's login and NexusCore's. */
export const LOGIN_EVENT_TYPES = ["user.login", "user_login"] as const;
export const LOGOUT_EVENT_TYPE = "user.logout";

/** The part of a stored event a session reads. */
export interface SessionEventInput {
  eventType: string;
  timeMs: number;
  userId: string | null;
  sessionId: string | null;
}

/** A session is its (user_id, session_id); events without a user_id form one of their own. */
export interface SessionKey {
  userId: string | null;
  sessionId: string;
}

export interface SessionDelta extends SessionKey {
  startedAtMs: number;
  endedAtMs: number;
  eventCount: number;
  /** Earliest login. */
  loginAtMs: number | null;
  /** Latest logout. */
  logoutAtMs: number | null;
  /** Earliest order.placed. */
  firstOrderAtMs: number | null;
  ordersPlaced: number;
  orderFills: number;
  pageViews: number;
  buttonClicks: number;
}

/** One string per session, for maps (a NULL user_id stays apart from every user id). */
export function sessionKeyString(key: Readonly<SessionKey>): string {
  return JSON.stringify([key.userId, key.sessionId]);
}

/** What one event says about its session; undefined for events without a session_id. */
export function sessionDeltaOf(event: SessionEventInput): SessionDelta | undefined {
  if (event.sessionId === null) return undefined;
  const at = event.timeMs;
  const is = (eventType: string) => (event.eventType === eventType ? 1 : 0);
  return {
    userId: event.userId,
    sessionId: event.sessionId,
    startedAtMs: at,
    endedAtMs: at,
    eventCount: 1,
    loginAtMs: (LOGIN_EVENT_TYPES as readonly string[]).includes(event.eventType) ? at : null,
    logoutAtMs: event.eventType === LOGOUT_EVENT_TYPE ? at : null,
    firstOrderAtMs: event.eventType === "order.placed" ? at : null,
    ordersPlaced: is("order.placed"),
    orderFills: is("order.filled"),
    pageViews: is("page.view"),
    buttonClicks: is("button.click"),
  };
}

/** Merges `other` into `into` (same session) by the rules the stored row merges by. */
export function mergeSessionDelta(into: SessionDelta, other: Readonly<SessionDelta>): void {
  into.startedAtMs = Math.min(into.startedAtMs, other.startedAtMs);
  into.endedAtMs = Math.max(into.endedAtMs, other.endedAtMs);
  into.eventCount += other.eventCount;
  into.loginAtMs = least(into.loginAtMs, other.loginAtMs);
  into.logoutAtMs = greatest(into.logoutAtMs, other.logoutAtMs);
  into.firstOrderAtMs = least(into.firstOrderAtMs, other.firstOrderAtMs);
  into.ordersPlaced += other.ordersPlaced;
  into.orderFills += other.orderFills;
  into.pageViews += other.pageViews;
  into.buttonClicks += other.buttonClicks;
}

/** Folds events into one delta per session (events without a session_id are left out). */
export function foldSessionEvents(events: Iterable<SessionEventInput>): SessionDelta[] {
  const bySession = new Map<string, SessionDelta>();
  for (const event of events) {
    const delta = sessionDeltaOf(event);
    if (!delta) continue;
    const key = sessionKeyString(delta);
    const current = bySession.get(key);
    if (current) mergeSessionDelta(current, delta);
    else bySession.set(key, delta);
  }
  return [...bySession.values()];
}

function least(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function greatest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}
