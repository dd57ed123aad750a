import postgres from "postgres";
import type { Config } from "../config";

export type Sql = postgres.Sql;
export type SqlTransaction = postgres.TransactionSql;

export interface SqlOptions {
  /** Shown in pg_stat_activity: which app holds a connection. */
  applicationName: string;
  /** Overrides database.max_connections (e.g. a CLI needs one). */
  max?: number;
}

/** The one way every app connects to PostgreSQL. */
export function createSql(database: Config["database"], options: SqlOptions): Sql {
  const common = {
    max: options.max ?? database.max_connections,
    idle_timeout: Math.ceil(database.idle_timeout / 1000),
    max_lifetime: Math.ceil(database.connection_lifetime / 1000),
    connect_timeout: Math.ceil(database.connect_timeout / 1000),
    onnotice: () => undefined,
    connection: {
      application_name: options.applicationName,
      statement_timeout: database.statement_timeout,
    },
  } as const;
  if (database.url) return postgres(database.url, common);
  return postgres({
    ...common,
    host: database.host,
    port: database.port,
    database: database.database,
    username: database.user,
    password: database.password || undefined,
    ssl: database.ssl_mode === "disable" ? false : database.ssl_mode,
  });
}

