import type { Config } from "../config";
import { MAX_MEASURE_MAGNITUDE } from "../rollups/measure-range";

// What an event's time and numbers may be, checked alike by the ingester (a dead letter) and by
// POST /api/v1/events (a 400 naming the field): outside these the aggregator could not fold it.

/** The window of event time and the properties read as measures. */
export interface EventLimits {
  /** Timestamps further ahead of the receiving clock are refused. */
  maxFutureSkewMs: number;
  /** Timestamps further back are refused: their day is past raw-event retention, or nearly. */
  maxEventAgeMs: number;
  /** Properties the aggregator reads as numbers (each measure's property and product factors). */
  measureProperties: ReadonlySet<string>;
}

/** A bad value, named the way a client wrote it ("properties.price", "timestamp"). */
export interface LimitViolation {
  field: string;
  message: string;
  reason: "number_out_of_range" | "timestamp_in_future" | "timestamp_too_old";
}

export function eventLimits(config: Config): EventLimits {
  const { ingestion, aggregation, retention } = config.analytics;
  const measureProperties = new Set<string>();
  for (const measure of aggregation.measures) {
    if ("property" in measure) measureProperties.add(measure.property);
    else for (const factor of measure.product) measureProperties.add(factor);
  }
  return {
    maxFutureSkewMs: ingestion.max_future_skew,
    maxEventAgeMs: ingestion.max_event_age ?? retention.raw_events,
    measureProperties,
  };
}

/** Why `timestamp` is outside [receivedAt - maxEventAge, receivedAt + maxFutureSkew], if it is. */
export function timeViolation(timestamp: Date, receivedAt: Date, limits: EventLimits): LimitViolation | undefined {
  const ahead = timestamp.getTime() - receivedAt.getTime();
  if (ahead > limits.maxFutureSkewMs) {
    return { field: "timestamp", reason: "timestamp_in_future", message: `${timestamp.toISOString()} is more than ${limits.maxFutureSkewMs} ms ahead` };
  }
  if (-ahead > limits.maxEventAgeMs) {
    return {
      field: "timestamp",
      reason: "timestamp_too_old",
      message: `${timestamp.toISOString()} is more than ${limits.maxEventAgeMs / 86_400_000} days old (analytics.ingestion.max_event_age)`,
    };
  }
  return undefined;
}

/**
 * Numbers JSON cannot round-trip (1e309 parses to Infinity and is written back as null) anywhere
 * in the properties, and measures beyond ±MAX_MEASURE_MAGNITUDE: past it a product of two
 * measures, or a sum of a billion of those, would no longer be finite.
 */
export function numberViolations(properties: Record<string, unknown>, limits: EventLimits): LimitViolation[] {
  const violations: LimitViolation[] = [];
  for (const name of limits.measureProperties) {
    const value = properties[name];
    if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) > MAX_MEASURE_MAGNITUDE) {
      violations.push({ field: `properties.${name}`, reason: "number_out_of_range", message: `is ${value}; a measure must be within ±${MAX_MEASURE_MAGNITUDE}` });
    }
  }
  if (!holdsNonFinite(properties)) return violations;
  // Only now the paths of the bad numbers.
  const stack: [unknown, string][] = [[properties, "properties"]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) violations.push({ field: path, reason: "number_out_of_range", message: "is a number too large to represent (a double's range is ±1.8e308)" });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, `${path}[${index}]`]));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) stack.push([item, `${path}.${key}`]);
    }
  }
  return violations;
}

/**
 * True when a number anywhere in the value is not finite. Recursive: callers bound the nesting
 * first (MAX_EVENT_NESTING). No paths are built, so the common event costs ~150 ns.
 */
function holdsNonFinite(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsNonFinite(item)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (holdsNonFinite((value as Record<string, unknown>)[key])) return true;
  return false;
}
