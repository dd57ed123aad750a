import { foldSessionEvents, mergeSessionDelta, type SessionDelta, type SessionEventInput, sessionKeyString } from "./user-sessions";

const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

const event = (eventType: string, second: number, sessionId: string | null = "s1", userId: string | null = "u1"): SessionEventInput => ({
  eventType,
  timeMs: T0 + second * 1000,
  userId,
  sessionId,
});

const EVENTS: SessionEventInput[] = [
  event("page.view", 5),
  event("user.login", 2),
  event("order.placed", 30),
  event("user_login", 1), // NexusCore's login, earlier
  event("order.filled", 40),
  event("button.click", 20),
  event("order.placed", 25),
  event("user.logout", 50),
  event("user.logout", 45),
  event("page.view", 3, "s1", null), // no user: a session of its own
  event("page.view", 4, null), // no session: in none
  event("page.view", 9, "s2", "u1"),
];

/** Folds each part on its own, then merges the parts' deltas in the given order (as cycles do). */
function foldInParts(parts: readonly (readonly SessionEventInput[])[]): Map<string, SessionDelta> {
  const merged = new Map<string, SessionDelta>();
  for (const part of parts) {
    for (const delta of foldSessionEvents(part)) {
      const key = sessionKeyString(delta);
      const current = merged.get(key);
      if (current) mergeSessionDelta(current, delta);
      else merged.set(key, delta);
    }
  }
  return merged;
}

describe("user sessions", () => {
  it("folds a session's span, first login, last logout, first order and counts", () => {
    const byKey = foldInParts([EVENTS]);
    expect(byKey.size).toBe(3);
    expect(byKey.get(sessionKeyString({ userId: "u1", sessionId: "s1" }))).toEqual({
      userId: "u1",
      sessionId: "s1",
      startedAtMs: T0 + 1000,
      endedAtMs: T0 + 50_000,
      eventCount: 9,
      loginAtMs: T0 + 1000,
      logoutAtMs: T0 + 50_000,
      firstOrderAtMs: T0 + 25_000,
      ordersPlaced: 2,
      orderFills: 1,
      pageViews: 1,
      buttonClicks: 1,
    });
    expect(byKey.get(sessionKeyString({ userId: null, sessionId: "s1" }))).toMatchObject({ eventCount: 1, pageViews: 1, loginAtMs: null });
  });

  it("merges to the same sessions whatever the split and order of the events", () => {
    const whole = foldInParts([EVENTS]);
    const reversed = [...EVENTS].reverse();
    for (const parts of [
      [reversed],
      [EVENTS.slice(0, 4), EVENTS.slice(4)],
      [reversed.slice(0, 7), reversed.slice(7, 9), reversed.slice(9)],
      EVENTS.map((e) => [e]).reverse(),
    ]) {
      expect(foldInParts(parts)).toEqual(whole);
    }
  });

  it("keeps a missing user apart from a user id that looks empty", () => {
    expect(sessionKeyString({ userId: null, sessionId: "s" })).not.toBe(sessionKeyString({ userId: "", sessionId: "s" }));
  });
});
