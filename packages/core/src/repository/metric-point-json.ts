import { DISTINCT_METRICS } from "../rollups/metric-names";

// The JSON object GET /api/v1/metrics serves for one rollup row, built by PostgreSQL as compact
// text: {"bucket_start":"2026-11-24T13:07:00Z","count":12,"sum":1234.5,...}. Shared by the reader
// (from metric_rollups) and the series blocks (metric_series_blocks holds the same text), so a
// day read from either place is the same bytes. (json_build_object would put a space on both
// sides of every colon and after every comma: 13 % of a month of prices.)

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

/** Every point text starts with this, followed by its bucket time and a quote. */
export const POINT_START = '{"bucket_start":"';

/** Points are joined with this, inside one JSON array. */
export const POINT_SEPARATOR = ",";

/** `,"name":<value as JSON, null when NULL>`; numbers in PostgreSQL's JSON form (to_json), as json_build_object writes them. */
const field = (name: string, valueSql: string) => `',"${name}":' || coalesce(to_json(${valueSql})::text, 'null')`;

const VALUE_FIELDS = [
  field("sum", "sum"),
  field("avg", "sum / nullif(count, 0)"),
  field("min", "min"),
  field("max", "max"),
  field("p50", "p50"),
  field("p95", "p95"),
  field("p99", "p99"),
  field("open", "first_value"),
  field("close", "last_value"),
];

/** The JSON object text of one metric_rollups row; count-only metrics carry no value fields. */
export function pointObjectSql(countOnly: boolean, withDimensionValue = false): string {
  const parts = [
    `'${POINT_START}' || to_char(bucket_start at time zone 'UTC', ${UTC_ISO}) || '"'`,
    ...(withDimensionValue ? [field("dimension_value", "dimension_value")] : []),
    field("count", "count"),
    ...(countOnly ? [] : VALUE_FIELDS),
    `'}'`,
  ];
  return `(${parts.join(" || ")})`;
}

/** isCountOnlyMetric(metric_name) in SQL (the names are this module's constants, not input). */
const COUNT_ONLY_SQL = `(metric_name like 'events.count.%' or metric_name in (${Object.values(DISTINCT_METRICS)
  .map((name) => `'${name}'`)
  .join(", ")}))`;

/** The point text of one row of any metric, as pointObjectSql(isCountOnlyMetric(metric_name)). */
export const ANY_METRIC_POINT_TEXT_SQL = `(case when ${COUNT_ONLY_SQL} then ${pointObjectSql(true)} else ${pointObjectSql(false)} end)`;
