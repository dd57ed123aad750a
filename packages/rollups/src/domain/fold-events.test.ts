import { DEFAULT_DIMENSIONS, DEFAULT_MEASURES, rollupKeyString, sketchQuantile, sketchToBytes, type AggregationInterval } from "@trading-analytics/core";
import { EventFold, type FoldableEvent, foldEvents, type FoldResult } from "./fold-events";
import { RollupPlan } from "./rollup-plan";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function plan(intervals: AggregationInterval[] = ["1m", "5m", "15m", "1h", "1d"], allowedLatenessMs = 24 * HOUR): RollupPlan {
  return new RollupPlan({ intervals, dimensions: DEFAULT_DIMENSIONS, measures: DEFAULT_MEASURES, allowedLatenessMs });
}

let sequence = 0;
function event(eventType: string, timeMs: number, properties: Record<string, unknown> = {}, extra: Partial<FoldableEvent> = {}): FoldableEvent {
  sequence += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    eventType,
    timeMs,
    receivedAtMs: timeMs + 50,
    userId: "u1",
    sessionId: "s1",
    properties,
    ...extra,
  };
}

function find(result: FoldResult, metric: string, interval: AggregationInterval, dimension = "", dimensionValue = "") {
  return result.deltas.filter(
    (d) => d.key.metric === metric && d.key.interval === interval && d.key.dimension === dimension && d.key.dimensionValue === dimensionValue,
  );
}

describe("foldEvents", () => {
  const fill = (t: number, symbol: string, price: number, quantity: number, extra: Record<string, unknown> = {}) =>
    event("order.filled", t, { symbol, side: "BUY", strategy_id: "momentum", price, quantity, ...extra });

  it("counts per type overall and per symbol, strategy and side, and measures price, quantity and notional", () => {
    const result = foldEvents([fill(T0 + 1_000, "BTC", 100, 2), fill(T0 + 2_000, "BTC", 110, 1), fill(T0 + 3_000, "ETH", 10, 5)], plan(["1m"]));
    expect(find(result, "events.count.order.filled", "1m")[0]!.state.count).toBe(3);
    expect(find(result, "events.count.order.filled", "1m", "symbol", "BTC")[0]!.state.count).toBe(2);
    expect(find(result, "events.count.order.filled", "1m", "strategy", "momentum")[0]!.state.count).toBe(3);
    expect(find(result, "events.count.order.filled", "1m", "side", "BUY")[0]!.state.count).toBe(3);
    const notional = find(result, "events.notional.order.filled", "1m", "symbol", "BTC")[0]!.state;
    expect([notional.count, notional.sum, notional.min, notional.max]).toEqual([2, 310, 110, 200]);
    const price = find(result, "events.price.order.filled", "1m")[0]!.state;
    expect([price.first?.value, price.last?.value]).toEqual([100, 10]);
  });

  it("puts an event in the bucket holding its time at every interval", () => {
    const t = T0 + 7 * 60_000 + 30_000; // 10:07:30
    const result = foldEvents([event("page.view", t, { path: "/" })], plan());
    const starts = Object.fromEntries(find(result, "events.count.page.view", "1m").concat(
      ...(["5m", "15m", "1h", "1d"] as const).map((i) => find(result, "events.count.page.view", i)),
    ).map((d) => [d.key.interval, new Date(d.key.bucketStartMs).toISOString()]));
    expect(starts).toEqual({
      "1m": "2026-11-23T10:07:00.000Z",
      "5m": "2026-11-23T10:05:00.000Z",
      "15m": "2026-11-23T10:00:00.000Z",
      "1h": "2026-11-23T10:00:00.000Z",
      "1d": "2026-11-23T00:00:00.000Z",
    });
  });

  it("gives the same hour whether folded directly or merged from minutes", () => {
    const events = Array.from({ length: 3_000 }, (_, i) =>
      fill(T0 + ((i * 7_919) % HOUR), i % 3 === 0 ? "ETH" : "BTC", 50 + ((i * 37) % 200) / 7, 1 + (i % 5), { latency_ms: (i * 13) % 97 }),
    );
    const direct = foldEvents(events, plan(["1h"]));
    const merged = foldEvents(events, plan(["1m", "1h"]));
    const hourOf = (result: FoldResult) =>
      new Map(result.deltas.filter((d) => d.key.interval === "1h").map((d) => [`${d.key.metric}/${d.key.dimension}/${d.key.dimensionValue}`, d.state]));
    const a = hourOf(direct);
    const b = hourOf(merged);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, state] of a) {
      const other = b.get(key)!;
      expect([other.count, other.min, other.max, other.first, other.last]).toEqual([state.count, state.min, state.max, state.first, state.last]);
      expect(other.sum).toBeCloseTo(state.sum, 6);
      for (const q of [0.5, 0.95, 0.99]) expect(sketchQuantile(other.sketch ?? emptyAnswer, q)).toBe(sketchQuantile(state.sketch ?? emptyAnswer, q));
    }
  });

  it("ignores measures that are not JSON numbers and breakdowns the event does not carry", () => {
    const result = foldEvents([event("order.placed", T0, { symbol: "BTC", price: "12", quantity: 3 })], plan(["1m"]));
    expect(find(result, "events.price.order.placed", "1m")).toHaveLength(0);
    expect(find(result, "events.notional.order.placed", "1m")).toHaveLength(0);
    expect(find(result, "events.quantity.order.placed", "1m")[0]!.state.sum).toBe(3);
    expect(find(result, "events.count.order.placed", "1m", "side")).toHaveLength(0);
  });

  it("lists each user and session once per bucket, at every interval", () => {
    const events = [event("page.view", T0, {}, { userId: "a" }), event("page.view", T0 + 61_000, {}, { userId: "a" }), event("page.view", T0, {}, { userId: "b", sessionId: null })];
    const { members } = foldEvents(events, plan(["1m", "1h"]));
    const users = (interval: string) => members.filter((m) => m.metric === "users.active" && m.interval === interval).map((m) => `${m.bucketStartMs - T0}:${m.member}`);
    expect(users("1m").sort()).toEqual(["0:a", "0:b", "60000:a"]);
    expect(users("1h").sort()).toEqual(["0:a", "0:b"]);
    expect(members.filter((m) => m.metric === "sessions.active" && m.interval === "1h").map((m) => m.member)).toEqual(["s1"]);
  });

  it("sets aside events stored later than the allowed lateness, and folds the rest", () => {
    const onTime = event("page.view", T0, {}, { receivedAtMs: T0 + HOUR });
    const tooLate = event("page.view", T0, {}, { receivedAtMs: T0 + 2 * HOUR + 1 });
    const result = foldEvents([onTime, tooLate], plan(["1m"], 2 * HOUR));
    expect(result.late).toEqual([tooLate]);
    expect(result.folded).toBe(1);
    expect(find(result, "events.count.page.view", "1m")[0]!.state.count).toBe(1);
  });
});

describe("EventFold", () => {
  // Orders, quotes and page views over three hours, some users twice, one event too late.
  const page = Array.from({ length: 300 }, (_, i) => {
    const t = T0 + i * 37_000;
    if (i === 7) return event("page.view", t, {}, { receivedAtMs: t + 48 * HOUR });
    if (i % 3 === 0) return event("order.filled", t, { symbol: i % 2 ? "BTC" : "ETH", side: "SELL", strategy_id: `s${i % 4}`, price: 100 + i, quantity: 1 + (i % 5) }, { userId: `u${i % 7}` });
    if (i % 3 === 1) return event("market.data.update", t, { symbol: "BTC", price: 50 + i, volume: i }, { userId: null, sessionId: null });
    return event("page.view", t, { path: "/" }, { userId: `u${i % 11}`, sessionId: `s${i % 13}` });
  });
  const comparable = (result: FoldResult) => ({
    ...result,
    deltas: result.deltas
      .map(({ key, state }) => ({ id: rollupKeyString(key), state: { ...state, sketch: state.sketch && sketchToBytes(state.sketch).toString("hex") } }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    members: result.members.map((m) => `${m.metric}|${m.interval}|${m.bucketStartMs}|${m.member}`).sort(),
  });

  it("gives what foldEvents gives, however the page is sliced", () => {
    const whole = comparable(foldEvents(page, plan()));
    for (const size of [1, 7, 64, 299]) {
      const fold = new EventFold(plan());
      for (let start = 0; start < page.length; start += size) fold.add(page.slice(start, start + size));
      expect(comparable(fold.result())).toEqual(whole);
    }
  });

  it("hands out every key of the result and every member once, over all its takes", () => {
    const fold = new EventFold(plan());
    const keys: string[] = [];
    const members: string[] = [];
    for (let start = 0; start < page.length; start += 25) {
      fold.add(page.slice(start, start + 25));
      const reached = fold.takeNew();
      keys.push(...reached.keys.map(rollupKeyString));
      members.push(...reached.members.map((m) => `${m.metric}|${m.interval}|${m.bucketStartMs}|${m.member}`));
    }
    const result = comparable(fold.result());
    expect(keys.sort()).toEqual(result.deltas.map((delta) => delta.id));
    expect(members.sort()).toEqual(result.members);
    expect(fold.takeNew()).toEqual({ keys: [], members: [] });
  });
});

const emptyAnswer = { count: 0 } as never;
