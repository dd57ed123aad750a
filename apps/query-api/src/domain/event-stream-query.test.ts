import { MAX_STREAM_EVENT_TYPES, parseStreamQuery } from "./event-stream-query";

describe("parseStreamQuery", () => {
  it("takes everything when given nothing", () => {
    expect(parseStreamQuery({})).toEqual({ ok: true, filter: { eventTypes: undefined, userId: undefined } });
  });

  it("splits a comma-separated list of types, trimming spaces", () => {
    const parsed = parseStreamQuery({ event_type: "order.filled, trade.executed", user_id: "user-1" });
    expect(parsed).toEqual({ ok: true, filter: { eventTypes: new Set(["order.filled", "trade.executed"]), userId: "user-1" } });
  });

  it("filters on NexusCore's service", () => {
    expect(parseStreamQuery({ event_type: "user_login", service: "auth-service" })).toEqual({ ok: true, filter: { eventTypes: new Set(["user_login"]), service: "auth-service" } });
  });

  it.each([
    [{ service: "" }, "service", "1 to 256"],
    [{ service: ["a", "b"] }, "service", "must be given once"],
    [{ event_type: "order.filled,Order.Placed" }, "event_type", '"Order.Placed"'],
    [{ event_type: "order.filled,,trade.executed" }, "event_type", "an empty name"],
    [{ event_type: ["a", "b"] }, "event_type", "must be given once"],
    [{ event_type: Array.from({ length: MAX_STREAM_EVENT_TYPES + 1 }, (_, i) => `t${i}`).join(",") }, "event_type", "at most"],
    [{ user_id: "" }, "user_id", "1 to 256"],
    [{ limit: "5" }, "limit", "unknown parameter"],
  ])("rejects %j naming %s", (params, field, message) => {
    const parsed = parseStreamQuery(params);
    expect(parsed).toMatchObject({ ok: false, field });
    expect(parsed.ok || parsed.message).toContain(message);
  });
});
