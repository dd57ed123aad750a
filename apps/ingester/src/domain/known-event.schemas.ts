import type { KnownEventType } from "@trading-analytics/core";

// Properties each known event type must carry, mirroring the TypeScript types in core's
// models/event-types.ts. Extra properties are allowed: producers may add context.

const text = { type: "string", minLength: 1 } as const;
const number = { type: "number" } as const;
const nonNegative = { type: "number", minimum: 0 } as const;
const side = { enum: ["BUY", "SELL"] } as const;

const object = (required: string[], properties: Record<string, object>) => ({ type: "object", required, properties }) as const;

const orderBase = { order_id: text, symbol: text, side, strategy_id: text };
const position = { position_id: text, symbol: text, side: { enum: ["LONG", "SHORT"] }, quantity: nonNegative, entry_price: nonNegative, strategy_id: text };
const strategy = object(["strategy_id"], { strategy_id: text, name: { type: "string" }, reason: { type: "string" } });

export const KNOWN_EVENT_SCHEMAS: Record<KnownEventType, object> = {
  "order.placed": object(["order_id", "symbol", "side", "quantity"], {
    ...orderBase,
    order_type: { enum: ["LIMIT", "MARKET"] },
    price: nonNegative,
    quantity: nonNegative,
  }),
  "order.filled": object(["order_id", "symbol", "side", "price", "quantity"], {
    ...orderBase,
    price: nonNegative,
    quantity: nonNegative,
    notional: nonNegative,
    is_partial: { type: "boolean" },
    remaining_quantity: nonNegative,
    fee: number,
    latency_ms: nonNegative,
  }),
  "order.canceled": object(["order_id", "symbol"], { ...orderBase, remaining_quantity: nonNegative, reason: { type: "string" } }),
  "order.rejected": object(["order_id", "symbol", "reason"], { ...orderBase, reason: text }),
  "position.opened": object(["position_id", "symbol", "side", "quantity", "entry_price"], position),
  "position.closed": object(["position_id", "symbol", "side", "quantity", "entry_price", "exit_price", "realized_pnl"], {
    ...position,
    exit_price: nonNegative,
    realized_pnl: number,
  }),
  "balance.updated": object(["asset", "free", "locked"], { asset: text, free: number, locked: number }),
  "strategy.started": strategy,
  "strategy.stopped": strategy,
  "signal.generated": object(["strategy_id", "symbol", "direction"], {
    signal_id: text,
    strategy_id: text,
    symbol: text,
    direction: { enum: ["LONG", "SHORT", "FLAT"] },
    strength: { type: "number", minimum: 0, maximum: 1 },
  }),
  "market.data.update": object(["symbol", "price"], { symbol: text, price: nonNegative, bid: nonNegative, ask: nonNegative, volume: nonNegative }),
  "alert.triggered": object(["severity", "message"], {
    alert_id: text,
    severity: { enum: ["info", "warning", "critical"] },
    message: text,
    symbol: text,
  }),
  "user.login": object([], { method: { type: "string" }, client: { type: "string" } }),
  "user.logout": object([], { session_duration_s: nonNegative }),
  "page.view": object(["path"], { path: text, referrer: { type: "string" } }),
  "button.click": object(["button_id"], { button_id: text, path: { type: "string" } }),
};
