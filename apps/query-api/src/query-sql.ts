import { type Config, createSql, type Sql } from "@trading-analytics/core";

/**
 * The query-api's pool. Its statements are reads made for a request (events reach PostgreSQL
 * through Kafka and the ingesters), so each runs under analytics.query.timeout; an export sets
 * its own, export_timeout, inside its transaction.
 */
export function createQuerySql(config: Config, options: { max?: number } = {}): Sql {
  return createSql({ ...config.database, statement_timeout: config.analytics.query.timeout }, { applicationName: "query-api", ...options });
}
