// The event types the platform knows, with the properties producers send for each.
// Custom types are defined at run time (see custom-event-definition.ts).

export type OrderSide = "BUY" | "SELL";

export interface OrderPlacedProperties {
  order_id: string;
  symbol: string;
  side: OrderSide;
  order_type: "LIMIT" | "MARKET";
  price: number;
  quantity: number;
  strategy_id?: string;
}

export interface OrderFilledProperties {
  order_id: string;
  symbol: string;
  side: OrderSide;
  /** Price of this fill. */
  price: number;
  /** Quantity of this fill. */
  quantity: number;
  /** price * quantity of this fill, in quote currency. */
  notional: number;
  /** True when the order still has quantity open after this fill. */
  is_partial: boolean;
  remaining_quantity: number;
  fee?: number;
  strategy_id?: string;
  /** Time from placement to this fill. */
  latency_ms?: number;
}

export interface OrderCanceledProperties {
  order_id: string;
  symbol: string;
  side: OrderSide;
  remaining_quantity: number;
  reason?: string;
  strategy_id?: string;
}

export interface OrderRejectedProperties {
  order_id: string;
  symbol: string;
  side: OrderSide;
  reason: string;
  strategy_id?: string;
}

export interface PositionOpenedProperties {
  position_id: string;
  symbol: string;
  side: "LONG" | "SHORT";
  quantity: number;
  entry_price: number;
  strategy_id?: string;
}

export interface PositionClosedProperties extends PositionOpenedProperties {
  exit_price: number;
  realized_pnl: number;
}

export interface BalanceUpdatedProperties {
  asset: string;
  free: number;
  locked: number;
}

export interface StrategyLifecycleProperties {
  strategy_id: string;
  name?: string;
  reason?: string;
}

export interface SignalGeneratedProperties {
  signal_id: string;
  strategy_id: string;
  symbol: string;
  direction: "LONG" | "SHORT" | "FLAT";
  /** 0..1 */
  strength: number;
}

export interface MarketDataUpdateProperties {
  symbol: string;
  price: number;
  bid: number;
  ask: number;
  /** Traded quantity since the previous tick. */
  volume: number;
}

export interface AlertTriggeredProperties {
  alert_id: string;
  severity: "info" | "warning" | "critical";
  message: string;
  symbol?: string;
}

export interface UserLoginProperties {
  method?: string;
  client?: string;
}

export interface UserLogoutProperties {
  session_duration_s?: number;
}

export interface PageViewProperties {
  path: string;
  referrer?: string;
}

export interface ButtonClickProperties {
  button_id: string;
  path?: string;
}

/** NexusCore's user events carry free-form `data` (its seed documents no fields). */
export type NexusCoreEventData = Record<string, unknown>;

/** The event types NexusCore's services publish to its `user-events` topic. */
export const NEXUSCORE_EVENT_TYPES = [
  "user_registered",
  "user_login",
  "profile_updated",
  "profile_viewed",
  "user_search",
  "user_activated",
  "user_deactivated",
] as const;

export type NexusCoreEventType = (typeof NEXUSCORE_EVENT_TYPES)[number];

/** NexusCore's topic: its producers publish every user event there. */
export const NEXUSCORE_TOPIC = "user-events";

export interface KnownEventProperties extends Record<NexusCoreEventType, NexusCoreEventData> {
  "order.placed": OrderPlacedProperties;
  "order.filled": OrderFilledProperties;
  "order.canceled": OrderCanceledProperties;
  "order.rejected": OrderRejectedProperties;
  "position.opened": PositionOpenedProperties;
  "position.closed": PositionClosedProperties;
  "balance.updated": BalanceUpdatedProperties;
  "strategy.started": StrategyLifecycleProperties;
  "strategy.stopped": StrategyLifecycleProperties;
  "signal.generated": SignalGeneratedProperties;
  "market.data.update": MarketDataUpdateProperties;
  "alert.triggered": AlertTriggeredProperties;
  "user.login": UserLoginProperties;
  "user.logout": UserLogoutProperties;
  "page.view": PageViewProperties;
  "button.click": ButtonClickProperties;
}

export type KnownEventType = keyof KnownEventProperties;

/** The platform's own types: the demo traffic emits every one of them. */
export const PLATFORM_EVENT_TYPES = [
  "order.placed",
  "order.filled",
  "order.canceled",
  "order.rejected",
  "position.opened",
  "position.closed",
  "balance.updated",
  "strategy.started",
  "strategy.stopped",
  "signal.generated",
  "market.data.update",
  "alert.triggered",
  "user.login",
  "user.logout",
  "page.view",
  "button.click",
] as const satisfies readonly KnownEventType[];

export const KNOWN_EVENT_TYPES = [...PLATFORM_EVENT_TYPES, ...NEXUSCORE_EVENT_TYPES] as const satisfies readonly KnownEventType[];

const KNOWN = new Set<string>(KNOWN_EVENT_TYPES);

export function isKnownEventType(type: string): type is KnownEventType {
  return KNOWN.has(type);
}

/** Lower-case dotted names: "order.placed", "custom.trading.signal". */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const EVENT_TYPE_MAX_LENGTH = 128;

const NEXUSCORE = new Set<string>(NEXUSCORE_EVENT_TYPES);

/** The Kafka topic a producer should publish an event type to (the ingester reads them all). */
export function topicForEventType(type: string): "order.events" | "market.data" | "user.actions" | "trading.events" | typeof NEXUSCORE_TOPIC {
  if (NEXUSCORE.has(type)) return NEXUSCORE_TOPIC;
  if (type.startsWith("order.")) return "order.events";
  if (type === "market.data.update") return "market.data";
  if (type.startsWith("user.") || type === "page.view" || type === "button.click") return "user.actions";
  return "trading.events";
}
