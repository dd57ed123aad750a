import {
  isEventId,
  type KnownEventProperties,
  type KnownEventType,
  PLATFORM_EVENT_TYPES,
  topicForEventType,
} from "../models";
import { SeededRandom } from "./random";
import { DEFAULT_STRATEGIES, DEFAULT_SYMBOLS, type GeneratedEvent, TradingFlow } from "./trading-flow";

const START = new Date("2024-03-01T09:00:00.000Z");
const STEP_MS = 100;
const events = new TradingFlow({ seed: 20240301 }).take(20_000, START, STEP_MS);

function propsOf<T extends KnownEventType>(generated: GeneratedEvent, _type: T): KnownEventProperties[T] {
  return generated.event.properties as unknown as KnownEventProperties[T];
}

interface Found<T extends KnownEventType> {
  index: number;
  generated: GeneratedEvent;
  props: KnownEventProperties[T];
}

function ofType<T extends KnownEventType>(type: T): Array<Found<T>> {
  const found = [];
  for (const [index, generated] of events.entries()) {
    if (generated.event.event_type === type) found.push({ index, generated, props: propsOf(generated, type) });
  }
  return found;
}

/** Fixed-point comparison: fills are whole units of at most 8 decimals, float sums are not. */
const units = (quantity: number): number => Math.round(quantity * 1e8);

describe("TradingFlow", () => {
  it("reproduces exactly the same events from the same seed", () => {
    const a = new TradingFlow({ seed: 7 }).take(3_000, START, STEP_MS);
    const b = new TradingFlow({ seed: 7 }).take(3_000, START, STEP_MS);
    expect(b).toEqual(a);
  });

  it("produces different events and ids from a different seed", () => {
    const a = new TradingFlow({ seed: 7 }).take(500, START, STEP_MS);
    const b = new TradingFlow({ seed: 8 }).take(500, START, STEP_MS);
    expect(b).not.toEqual(a);
    const idsA = new Set(a.map((e) => e.event.event_id));
    expect(b.filter((e) => idsA.has(e.event.event_id))).toHaveLength(0);
  });

  it("emits every known event type, market data being the most common at 40-50%", () => {
    const counts = new Map<string, number>();
    for (const { event } of events) counts.set(event.event_type, (counts.get(event.event_type) ?? 0) + 1);
    for (const type of PLATFORM_EVENT_TYPES) expect({ type, seen: (counts.get(type) ?? 0) > 0 }).toEqual({ type, seen: true });
    const marketShare = (counts.get("market.data.update") ?? 0) / events.length;
    expect(marketShare).toBeGreaterThan(0.4);
    expect(marketShare).toBeLessThan(0.5);
    expect(Math.max(...counts.values())).toBe(counts.get("market.data.update"));
  });

  it("returns at least n events, whole steps at a time", () => {
    const flow = new TradingFlow({ seed: 3 });
    expect(flow.take(1_000, START, STEP_MS).length).toBeGreaterThanOrEqual(1_000);
    expect(new TradingFlow({ seed: 3 }).next(START).map((e) => e.event.event_type)).toEqual(
      DEFAULT_STRATEGIES.map(() => "strategy.started"),
    );
  });

  it("publishes each event to its type's topic with a unique UUID and a non-decreasing ISO timestamp", () => {
    expect(events.filter(({ topic, event }) => topic !== topicForEventType(event.event_type))).toEqual([]);
    expect(events.filter(({ event }) => !isEventId(event.event_id))).toEqual([]);
    expect(new Set(events.map(({ event }) => event.event_id)).size).toBe(events.length);
    const timestamps = events.map(({ event }) => event.timestamp!);
    expect(timestamps.filter((t) => new Date(t).toISOString() !== t)).toEqual([]);
    expect(timestamps.filter((t, i) => i > 0 && t < timestamps[i - 1]!)).toEqual([]);
  });

  it("keys order events by order id, market data by symbol and user actions by user id", () => {
    const wronglyKeyed = events.filter(({ key, topic, event }) => {
      const props = event.properties as Record<string, unknown>;
      if (topic === "order.events") return key !== props.order_id;
      if (topic === "market.data") return key !== props.symbol;
      if (topic === "user.actions") return key !== event.user_id;
      return false;
    });
    expect(wronglyKeyed).toEqual([]);
  });

  it("quotes bid < price < ask with positive prices and volume, moving a little per tick", () => {
    const last = new Map<string, number>(DEFAULT_SYMBOLS.map((s) => [s.symbol, s.price]));
    const bad = [];
    for (const { props } of ofType("market.data.update")) {
      const previous = last.get(props.symbol)!;
      const sane = props.bid > 0 && props.bid < props.price && props.price < props.ask && props.volume > 0;
      if (!sane || Math.abs(Math.log(props.price / previous)) > 0.2) bad.push(props);
      last.set(props.symbol, props.price);
    }
    expect(bad).toEqual([]);
    for (const spec of DEFAULT_SYMBOLS) {
      const ratio = last.get(spec.symbol)! / spec.price;
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.4);
    }
  });

  it("resolves only orders placed in an earlier step, with the same symbol, side, user and strategy", () => {
    const placed = new Map(ofType("order.placed").map((p) => [p.props.order_id, p]));
    const mismatched = [];
    for (const type of ["order.filled", "order.canceled", "order.rejected"] as const) {
      for (const { index, generated, props } of ofType(type)) {
        const order = placed.get(props.order_id);
        const matches =
          order !== undefined &&
          order.index < index &&
          order.generated.event.timestamp! < generated.event.timestamp! &&
          props.symbol === order.props.symbol &&
          props.side === order.props.side &&
          props.strategy_id === order.props.strategy_id &&
          generated.event.user_id === order.generated.event.user_id &&
          generated.event.session_id === order.generated.event.session_id;
        if (!matches) mismatched.push(generated);
      }
    }
    expect(mismatched).toEqual([]);

    // Nothing happens to an order after it was rejected, canceled or completely filled.
    const closed = new Set<string>();
    const afterClose = [];
    for (const { event } of events) {
      const props = event.properties as { order_id?: string; remaining_quantity?: number };
      if (!event.event_type.startsWith("order.") || event.event_type === "order.placed") continue;
      if (closed.has(props.order_id!)) afterClose.push(event);
      if (event.event_type !== "order.filled" || props.remaining_quantity === 0) closed.add(props.order_id!);
    }
    expect(afterClose).toEqual([]);
  });

  it("fills never exceed the order, and complete fills sum exactly to its quantity", () => {
    const placed = new Map(ofType("order.placed").map((p) => [p.props.order_id, p.props]));
    const filledUnits = new Map<string, number>();
    const bad = [];
    for (const { props } of ofType("order.filled")) {
      const order = placed.get(props.order_id)!;
      const total = (filledUnits.get(props.order_id) ?? 0) + units(props.quantity);
      filledUnits.set(props.order_id, total);
      const consistent =
        props.quantity > 0 &&
        total <= units(order.quantity) &&
        units(props.remaining_quantity) === units(order.quantity) - total &&
        props.is_partial === props.remaining_quantity > 0 &&
        Math.abs(props.notional - props.price * props.quantity) < 1e-6 &&
        props.latency_ms! > 0 &&
        (order.order_type === "MARKET" || props.price === order.price);
      if (!consistent) bad.push({ order, fill: props });
    }
    expect(bad).toEqual([]);
    const completed = ofType("order.filled").filter((f) => !f.props.is_partial);
    expect(completed.length).toBeGreaterThan(0);
    const orderedUnits = (orderId: string): number => units(placed.get(orderId)!.quantity);
    expect(completed.filter(({ props }) => filledUnits.get(props.order_id) !== orderedUnits(props.order_id))).toEqual([]);
    const wrongRemainder = ofType("order.canceled").filter(
      ({ props }) => units(props.remaining_quantity) !== orderedUnits(props.order_id) - (filledUnits.get(props.order_id) ?? 0),
    );
    expect(wrongRemainder).toEqual([]);
  });

  it("mixes order outcomes: mostly filled, some partially filled, canceled or rejected", () => {
    const fills = new Map<string, number>();
    for (const { props } of ofType("order.filled")) fills.set(props.order_id, (fills.get(props.order_id) ?? 0) + 1);
    const outcomes = [...ofType("order.canceled"), ...ofType("order.rejected"), ...ofType("order.filled")];
    const resolved = new Set(outcomes.map((e) => e.props.order_id));
    const completed = ofType("order.filled").filter((f) => !f.props.is_partial).map((f) => f.props.order_id);
    const share = (count: number): number => count / resolved.size;
    expect(share(completed.filter((id) => fills.get(id) === 1).length)).toBeGreaterThan(0.5);
    expect(share(completed.filter((id) => fills.get(id)! > 1).length)).toBeGreaterThan(0.08);
    expect(share(ofType("order.canceled").length)).toBeGreaterThan(0.08);
    expect(share(ofType("order.rejected").length)).toBeGreaterThan(0.05);
    const partialThenCanceled = ofType("order.canceled").filter((c) => fills.has(c.props.order_id));
    expect(partialThenCanceled.length).toBeGreaterThan(0);
  });

  it("closes positions with the entry they were opened at and pnl = (exit - entry) * qty, negated for shorts", () => {
    const opened = new Map(ofType("position.opened").map((p) => [p.props.position_id, p]));
    const closedIds = new Set<string>();
    for (const { index, props } of ofType("position.closed")) {
      const open = opened.get(props.position_id);
      expect(open).toBeDefined();
      expect(open!.index).toBeLessThan(index);
      expect(closedIds.has(props.position_id)).toBe(false);
      closedIds.add(props.position_id);
      const { position_id, symbol, side, quantity, entry_price, strategy_id } = props;
      expect({ position_id, symbol, side, quantity, entry_price, strategy_id }).toEqual(open!.props);
      const direction = side === "LONG" ? 1 : -1;
      const expected = (props.exit_price - entry_price) * quantity * direction;
      expect(Math.abs(props.realized_pnl - expected)).toBeLessThan(1e-6 + Math.abs(expected) * 1e-9);
    }
    expect(closedIds.size).toBeGreaterThan(0);
  });

  it("places orders and browses only within a user's live session, and logs out with its duration", () => {
    const sessions = new Map<string, { id: string; startedAt: number }>();
    const outOfSession = [];
    for (const { event } of events) {
      const at = Date.parse(event.timestamp!);
      const session = sessions.get(event.user_id ?? "");
      if (event.event_type === "user.login") {
        if (session) outOfSession.push(event);
        sessions.set(event.user_id!, { id: event.session_id!, startedAt: at });
      } else if (["user.logout", "page.view", "button.click", "order.placed"].includes(event.event_type)) {
        if (session?.id !== event.session_id) outOfSession.push(event);
        if (event.event_type === "user.logout") {
          const duration = (event.properties as KnownEventProperties["user.logout"]).session_duration_s;
          if (duration !== Math.round((at - (session?.startedAt ?? NaN)) / 1000)) outOfSession.push(event);
          sessions.delete(event.user_id!);
        }
      }
    }
    expect(outOfSession).toEqual([]);
  });

  it("starts every strategy first and signals only from running strategies", () => {
    expect(events.slice(0, DEFAULT_STRATEGIES.length).map((e) => propsOf(e, "strategy.started").strategy_id)).toEqual(
      DEFAULT_STRATEGIES.map((s) => s.id),
    );
    const running = new Set<string>();
    const badSignals = [];
    for (const generated of events) {
      const type = generated.event.event_type;
      if (type === "strategy.started") running.add(propsOf(generated, type).strategy_id);
      if (type === "strategy.stopped") running.delete(propsOf(generated, type).strategy_id);
      if (type === "signal.generated") {
        const signal = propsOf(generated, type);
        if (!running.has(signal.strategy_id) || !(signal.strength >= 0 && signal.strength <= 1)) badSignals.push(signal);
      }
    }
    expect(badSignals).toEqual([]);
  });

  it("reports balances that never go negative", () => {
    const balances = ofType("balance.updated").map((b) => b.props);
    expect(balances.length).toBeGreaterThan(0);
    expect(balances.filter((b) => !(b.free >= 0 && b.locked >= 0))).toEqual([]);
  });

  it("rejects options it cannot generate from", () => {
    expect(() => new TradingFlow({ seed: 1, symbols: [] })).toThrow(RangeError);
    expect(() => new TradingFlow({ seed: 1, users: 0 })).toThrow(RangeError);
    expect(() => new TradingFlow({ seed: 1, symbols: [{ symbol: "BADUSDT", price: 0 }] })).toThrow(RangeError);
  });

  it("trades only the symbols and strategies it is given", () => {
    const custom = new TradingFlow({
      seed: 5,
      symbols: [{ symbol: "ETHBTC", price: 0.0532, quoteAsset: "BTC" }],
      strategies: [{ id: "only", name: "Only strategy" }],
      users: 3,
    }).take(2_000, START, STEP_MS);
    const symbols = new Set(custom.map((e) => (e.event.properties as { symbol?: string }).symbol).filter(Boolean));
    const strategyIds = custom.map((e) => (e.event.properties as { strategy_id?: string }).strategy_id);
    const strategies = new Set(strategyIds.filter(Boolean));
    const users = new Set(custom.map((e) => e.event.user_id).filter(Boolean));
    expect([...symbols]).toEqual(["ETHBTC"]);
    expect([...strategies]).toEqual(["only"]);
    expect(users.size).toBeLessThanOrEqual(3);
  });
});

/** The quotes of each symbol by time, and the quote in force at a time as quote_at() defines it (latest at or before it). */
function quoteBook() {
  const bySymbol = new Map<string, Array<{ at: number; bid: number; ask: number; mid: number }>>();
  for (const { generated, props } of ofType("market.data.update")) {
    const quotes = bySymbol.get(props.symbol) ?? [];
    quotes.push({ at: Date.parse(generated.event.timestamp!), bid: props.bid, ask: props.ask, mid: (props.bid + props.ask) / 2 });
    bySymbol.set(props.symbol, quotes);
  }
  return {
    bySymbol,
    inForce(symbol: string, at: number) {
      const quotes = bySymbol.get(symbol) ?? [];
      let [low, high] = [0, quotes.length];
      while (low < high) {
        const middle = (low + high) >> 1;
        if (quotes[middle]!.at <= at) low = middle + 1;
        else high = middle;
      }
      return low === 0 ? undefined : quotes[low - 1]!;
    },
  };
}

const quantile = (values: readonly number[], q: number): number => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

describe("TradingFlow market data and execution", () => {
  const book = quoteBook();
  const placed = new Map(ofType("order.placed").map((p) => [p.props.order_id, { ...p.props, at: Date.parse(p.generated.event.timestamp!) }]));

  it("quotes every symbol at least every 2 s of event time, but for a few feed gaps of 20-90 s", () => {
    const firstStep = START.getTime() + STEP_MS;
    const intervals: number[] = [];
    for (const spec of DEFAULT_SYMBOLS) {
      const quotes = book.bySymbol.get(spec.symbol)!;
      expect(quotes[0]!.at).toBe(firstStep);
      for (let i = 1; i < quotes.length; i++) intervals.push(quotes[i]!.at - quotes[i - 1]!.at);
    }
    const gaps = intervals.filter((ms) => ms > 2_000);
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.length).toBeLessThan(intervals.length / 1_000);
    expect(gaps.filter((ms) => ms < 20_000 || ms > 92_000 + STEP_MS)).toEqual([]);
  });

  it("prices market orders at the touch of the quote in force when placed and when filled", () => {
    const wrong = [];
    for (const order of placed.values()) {
      const quote = book.inForce(order.symbol, order.at)!;
      if (order.order_type === "MARKET" && order.price !== (order.side === "BUY" ? quote.ask : quote.bid)) wrong.push(order);
    }
    for (const { generated, props } of ofType("order.filled")) {
      const order = placed.get(props.order_id)!;
      const quote = book.inForce(props.symbol, Date.parse(generated.event.timestamp!))!;
      if (order.order_type === "MARKET" && props.price !== (props.side === "BUY" ? quote.ask : quote.bid)) wrong.push(props);
    }
    expect(wrong).toEqual([]);
  });

  it("places orders within 2 s of a quote, and fills them a few bps from the arrival mid, signed by side", () => {
    const staleness = [...placed.values()].map((order) => order.at - book.inForce(order.symbol, order.at)!.at);
    expect(staleness.filter((ms) => ms > 2_000).length).toBeLessThan(staleness.length * 0.05);
    const slippage = { MARKET: [] as number[], LIMIT: [] as number[] };
    for (const { props } of ofType("order.filled")) {
      const order = placed.get(props.order_id)!;
      const arrival = book.inForce(order.symbol, order.at)!.mid;
      slippage[order.order_type as "MARKET" | "LIMIT"].push(((order.side === "BUY" ? 1 : -1) * (props.price - arrival) / arrival) * 1e4);
    }
    const all = [...slippage.MARKET, ...slippage.LIMIT];
    expect(quantile(all.map(Math.abs), 0.5)).toBeLessThan(10);
    expect(quantile(all.map(Math.abs), 0.95)).toBeLessThan(40);
    // Market orders pay the half spread and the move until the fill; resting limit orders earn it.
    expect(quantile(slippage.MARKET, 0.5)).toBeGreaterThan(0);
    expect(quantile(slippage.LIMIT, 0.5)).toBeLessThan(0);
  });

  it("has users log in, then place orders in that session", () => {
    const logins = new Map(ofType("user.login").map((l) => [l.generated.event.session_id!, Date.parse(l.generated.event.timestamp!)]));
    const firstOrder = new Map<string, number>();
    for (const { generated } of ofType("order.placed")) {
      const session = generated.event.session_id!;
      if (!firstOrder.has(session)) firstOrder.set(session, Date.parse(generated.event.timestamp!));
    }
    expect(firstOrder.size).toBeGreaterThan(20);
    expect([...firstOrder].filter(([session, at]) => !(logins.get(session)! < at))).toEqual([]);
  });
});

describe("SeededRandom", () => {
  it("draws integers within inclusive bounds and picks from arrays", () => {
    const random = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(random.int(-2, 2));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it("draws standard normals", () => {
    const random = new SeededRandom(2);
    const draws = Array.from({ length: 20_000 }, () => random.normal());
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("makes version 4 UUIDs that a seed reproduces", () => {
    const ids = Array.from({ length: 3 }, ((random) => () => random.uuid())(new SeededRandom(9)));
    const again = Array.from({ length: 3 }, ((random) => () => random.uuid())(new SeededRandom(9)));
    expect(again).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
