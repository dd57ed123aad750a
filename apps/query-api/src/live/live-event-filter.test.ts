import type { AnalyticsEvent } from "@trading-analytics/core";
import { matchesLiveFilter, wantedEventTypes } from "./live-event-filter";

const event = (eventType: string, userId: string | null, service?: string): AnalyticsEvent => ({
  eventId: "00000000-0000-4000-8000-000000000001",
  eventType,
  userId,
  sessionId: null,
  ...(service !== undefined && { service }),
  properties: {},
  timestamp: new Date(0),
  receivedAt: new Date(0),
  source: null,
});

describe("matchesLiveFilter", () => {
  it("matches on type and user, an absent field matching everything", () => {
    expect(matchesLiveFilter({}, event("order.placed", null))).toBe(true);
    expect(matchesLiveFilter({ eventTypes: new Set(["order.filled"]) }, event("order.placed", "u"))).toBe(false);
    expect(matchesLiveFilter({ eventTypes: new Set(["order.filled"]), userId: "u" }, event("order.filled", "u"))).toBe(true);
    expect(matchesLiveFilter({ userId: "u" }, event("order.filled", null))).toBe(false);
  });

  it("matches on service: an event naming none never matches a service", () => {
    expect(matchesLiveFilter({ service: "auth-service" }, event("user_login", "u", "auth-service"))).toBe(true);
    expect(matchesLiveFilter({ service: "auth-service" }, event("user_login", "u", "profile-service"))).toBe(false);
    expect(matchesLiveFilter({ service: "auth-service" }, event("user_login", "u"))).toBe(false);
  });
});

describe("wantedEventTypes", () => {
  it("is the union of the clients' types", () => {
    expect(wantedEventTypes([{ eventTypes: new Set(["b", "a"]) }, { eventTypes: new Set(["a", "c"]), userId: "u" }])).toEqual(["a", "b", "c"]);
  });

  it("is every type once one client has no type filter", () => {
    expect(wantedEventTypes([{ eventTypes: new Set(["a"]) }, { userId: "u" }])).toBeUndefined();
  });
});
