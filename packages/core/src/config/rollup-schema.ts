import { z } from "zod";
import { list } from "./schema-helpers";

// What the aggregator breaks rollups down by (dimensions) and what it measures (measures).
// Names become part of metric names (events.<measure>.<event type>), so they are simple words.

const name = z
  .string({ error: "a name of lower-case letters, digits and underscores" })
  .regex(/^[a-z][a-z0-9_]*$/, { error: "a name of lower-case letters, digits and underscores" })
  .refine((value) => value !== "count", { error: "a name other than count (events.count.<type> is the event count)" });

const property = z.string({ error: "a property name" }).min(1, { error: "a property name" });

export const rollupDimension = z.strictObject(
  {
    name,
    property,
    /** Event types, exact or ending in ".*" for a prefix. */
    event_types: list([], 1),
  },
  { error: "a mapping { name, property, event_types }" },
);

export const rollupMeasure = z.union(
  [
    z.strictObject({ name, property }),
    z.strictObject({ name, product: z.tuple([property, property], { error: "two property names" }) }),
  ],
  { error: "a mapping { name, property } or { name, product: [a, b] }" },
);

export type RollupDimensionConfig = z.output<typeof rollupDimension>;
export type RollupMeasureConfig = z.output<typeof rollupMeasure>;

const ORDERS_AND_POSITIONS = ["order.*", "position.*"];

export const DEFAULT_DIMENSIONS: RollupDimensionConfig[] = [
  { name: "symbol", property: "symbol", event_types: [...ORDERS_AND_POSITIONS, "market.data.update", "signal.generated"] },
  { name: "strategy", property: "strategy_id", event_types: [...ORDERS_AND_POSITIONS, "signal.generated"] },
  { name: "side", property: "side", event_types: ORDERS_AND_POSITIONS },
];

export const DEFAULT_MEASURES: RollupMeasureConfig[] = [
  { name: "price", property: "price" },
  { name: "quantity", property: "quantity" },
  { name: "notional", product: ["price", "quantity"] },
  { name: "latency_ms", property: "latency_ms" },
  { name: "realized_pnl", property: "realized_pnl" },
  { name: "volume", property: "volume" },
  // VWAP = sum(traded_value) / sum(volume), from market.data.update.
  { name: "traded_value", product: ["price", "volume"] },
];
