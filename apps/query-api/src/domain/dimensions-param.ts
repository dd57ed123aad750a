import { ParameterError } from "./query-params";

export const DIMENSION_NAME = /^[a-z][a-z0-9_]*$/;

/** One dimension and value of a breakdown; both undefined for the overall series. */
export interface DimensionFilter {
  dimension?: string;
  dimensionValue?: string;
}

/**
 * The B25 seed's `dimensions` (its metric_aggregations JSONB column) as our breakdown:
 * `{}` is the overall series, `{"symbol":"BTCUSDT"}` the series of one value. Rollups keep one
 * dimension per series, so more keys, or a value that is not a string or number, are refused.
 */
export function parseDimensions(text: string): DimensionFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ParameterError("dimensions", 'must be a JSON object like {"symbol":"BTCUSDT"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ParameterError("dimensions", 'must be a JSON object like {"symbol":"BTCUSDT"}');
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) return {};
  if (entries.length > 1) throw new ParameterError("dimensions", "may name one dimension (rollups keep one per series), like {\"symbol\":\"BTCUSDT\"}");
  const [dimension, value] = entries[0]!;
  if (dimension.length > 64 || !DIMENSION_NAME.test(dimension)) throw new ParameterError("dimensions", `${JSON.stringify(dimension)} is not a dimension name like symbol`);
  if (typeof value === "number" && Number.isFinite(value)) return { dimension, dimensionValue: String(value) };
  if (typeof value !== "string" || value.length === 0 || value.length > 256 || value.includes("\u0000")) {
    throw new ParameterError("dimensions", `the value of ${dimension} must be a string of 1 to 256 characters or a number`);
  }
  return { dimension, dimensionValue: value };
}
