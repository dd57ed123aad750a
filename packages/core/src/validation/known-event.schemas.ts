import { type KnownEventType, NEXUSCORE_EVENT_TYPES, type NexusCoreEventType } from "../models";

// What each known event type's properties must look like, mirroring the TypeScript types in
// models/event-types.ts. Every documented property is type-checked when present, but none is
// required: producers in the field send partial events (the reference walk-through posts an
// order.placed carrying only a test index), and rollups skip what an event does not carry.
// Extra properties are allowed: producers may add context. Custom types may require fields.

const text = { type: "string", minLength: 1 } as const;
const number = { type: "number" } as const;
const nonNegative = { type: "number", minimum: 0 } as const;
const side = { enum: ["BUY", "SELL"] } as const;

const object = (properties: Record<string, object>) => ({ type: "object", properties }) as const;

const orderBase = { order_id: text, symbol: text, side, strategy_id: text };
const position = { position_id: text, symbol: text, side: { enum: ["LONG", "SHORT"] }, quantity: nonNegative, entry_price: nonNegative, strategy_id: text };
const strategy = object({ strategy_id: text, name: { type: "string" }, reason: { type: "string" } });

// NexusCore's seed gives no fields for its user events' `data`: any object is accepted.
const freeForm = { type: "object" } as const;
const nexusCore = Object.fromEntries(NEXUSCORE_EVENT_TYPES.map((type) => [type, freeForm])) as Record<NexusCoreEventType, object>;

export const KNOWN_EVENT_SCHEMAS: Record<KnownEventType, object> = {
  ...nexusCore,
  "order.placed": object({
    ...orderBase,
    order_type: { enum: ["LIMIT", "MARKET"] },
    price: nonNegative,
    quantity: nonNegative,
  }),
  "order.filled": object({
    ...orderBase,
    price: nonNegative,
    quantity: nonNegative,
    notional: nonNegative,
    is_partial: { type: "boolean" },
    remaining_quantity: nonNegative,
    fee: number,
    latency_ms: nonNegative,
  }),
  "order.canceled": object({ ...orderBase, remaining_quantity: nonNegative, reason: { type: "string" } }),
  "order.rejected": object({ ...orderBase, reason: text }),
  "position.opened": object(position),
  "position.closed": object({
    ...position,
    exit_price: nonNegative,
    realized_pnl: number,
  }),
  "balance.updated": object({ asset: text, free: number, locked: number }),
  "strategy.started": strategy,
  "strategy.stopped": strategy,
  "signal.generated": object({
    signal_id: text,
    strategy_id: text,
    symbol: text,
    direction: { enum: ["LONG", "SHORT", "FLAT"] },
    strength: { type: "number", minimum: 0, maximum: 1 },
  }),
  "market.data.update": object({ symbol: text, price: nonNegative, bid: nonNegative, ask: nonNegative, volume: nonNegative }),
  "alert.triggered": object({
    alert_id: text,
    severity: { enum: ["info", "warning", "critical"] },
    message: text,
    symbol: text,
  }),
  "user.login": object({ method: { type: "string" }, client: { type: "string" } }),
  "user.logout": object({ session_duration_s: nonNegative }),
  "page.view": object({ path: text, referrer: { type: "string" } }),
  "button.click": object({ button_id: text, path: { type: "string" } }),
};
