import {
  type AggregationInterval,
  type RollupDimensionConfig,
  type RollupMeasureConfig,
  sortIntervals,
} from "@trading-analytics/core";

/** A breakdown that applies to an event type: the dimension name and the property it reads. */
export interface AppliedDimension {
  name: string;
  property: string;
}

/** A numeric measure: reads its value from an event's properties, or undefined if absent. */
export interface Measure {
  name: string;
  /** The properties it reads: one, or the two factors of a product. */
  properties: readonly string[];
  valueOf(properties: Record<string, unknown>): number | undefined;
}

export interface RollupPlanOptions {
  intervals: readonly AggregationInterval[];
  dimensions: readonly RollupDimensionConfig[];
  measures: readonly RollupMeasureConfig[];
  allowedLatenessMs: number;
}

/** What to roll up, decided once from configuration: intervals, breakdowns per type, measures. */
export class RollupPlan {
  /** Smallest first; events fold into the first, the rest merge from it. */
  readonly intervals: readonly AggregationInterval[];
  readonly measures: readonly Measure[];
  readonly allowedLatenessMs: number;
  private readonly dimensionsByType = new Map<string, AppliedDimension[]>();

  constructor(private readonly options: RollupPlanOptions) {
    this.intervals = sortIntervals(options.intervals);
    if (this.intervals.length === 0) throw new Error("a rollup plan needs at least one interval");
    this.measures = options.measures.map(toMeasure);
    this.allowedLatenessMs = options.allowedLatenessMs;
  }

  get finestInterval(): AggregationInterval {
    return this.intervals[0]!;
  }

  dimensionsFor(eventType: string): readonly AppliedDimension[] {
    let applied = this.dimensionsByType.get(eventType);
    if (!applied) {
      applied = this.options.dimensions
        .filter((dimension) => dimension.event_types.some((pattern) => matchesType(pattern, eventType)))
        .map(({ name, property }) => ({ name, property }));
      this.dimensionsByType.set(eventType, applied);
    }
    return applied;
  }
}

/** "order.*" matches every type starting with "order."; anything else matches exactly. */
export function matchesType(pattern: string, eventType: string): boolean {
  return pattern.endsWith(".*") ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType;
}

function toMeasure(config: RollupMeasureConfig): Measure {
  if ("property" in config) {
    const { property } = config;
    return { name: config.name, properties: [property], valueOf: (properties) => finiteNumber(properties[property]) };
  }
  const [left, right] = config.product;
  return {
    name: config.name,
    properties: [left, right],
    valueOf(properties) {
      const a = finiteNumber(properties[left]);
      const b = finiteNumber(properties[right]);
      return a === undefined || b === undefined ? undefined : a * b;
    },
  };
}

/** Only JSON numbers count: a string "12" in a custom event is not silently coerced. */
function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
