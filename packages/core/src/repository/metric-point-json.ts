import { DISTINCT_METRICS } from "../rollups/metric-names";

// The JSON object GET /api/v1/metrics serves for one rollup row, built by PostgreSQL. Shared by
// the reader (from metric_rollups) and the series blocks (metric_series_blocks holds the same text),
// so a day read from either place is the same bytes.

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;
const BUCKET_FIELD = `'bucket_start', to_char(bucket_start at time zone 'UTC', ${UTC_ISO})`;
const VALUE_FIELDS = `'sum', sum, 'avg', sum / nullif(count, 0), 'min', min, 'max', max, 'p50', p50, 'p95', p95, 'p99', p99, 'open', first_value, 'close', last_value`;

/** Points are joined with this, inside one JSON array. */
export const POINT_SEPARATOR = ", ";

/** json_build_object(...) of one metric_rollups row; count-only metrics carry no value fields. */
export function pointObjectSql(countOnly: boolean, withDimensionValue = false): string {
  const fields = [BUCKET_FIELD, ...(withDimensionValue ? [`'dimension_value', dimension_value`] : []), `'count', count`, ...(countOnly ? [] : [VALUE_FIELDS])];
  return `json_build_object(${fields.join(", ")})`;
}

/** isCountOnlyMetric(metric_name) in SQL (the names are this module's constants, not input). */
const COUNT_ONLY_SQL = `(metric_name like 'events.count.%' or metric_name in (${Object.values(DISTINCT_METRICS)
  .map((name) => `'${name}'`)
  .join(", ")}))`;

/** The point text of one row of any metric, as pointObjectSql(isCountOnlyMetric(metric_name)). */
export const ANY_METRIC_POINT_TEXT_SQL = `(case when ${COUNT_ONLY_SQL} then ${pointObjectSql(true)} else ${pointObjectSql(false)} end)::text`;
