import { Gauge, Histogram, type Registry } from "prom-client";

/** What a query-api statement reports: when it starts running and how long it took. */
export interface StatementObserver {
  started(): void;
  /** seconds undefined: a transaction, counted in use but not timed. */
  finished(seconds: number | undefined): void;
}

/** The seed's database metrics: query time and connections in use. */
export function createDatabaseMetrics(registry: Registry, maxConnections: number): StatementObserver {
  const duration = new Histogram({
    name: "analytics_query_duration_seconds",
    help: "Time the query-api's PostgreSQL statements took, from sending to the last row (waiting for a free connection included)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  let inFlight = 0;
  new Gauge({
    name: "analytics_active_connections",
    help: "PostgreSQL connections of this query-api in use: statements and transactions in flight, at most database.max_connections",
    registers: [registry],
    collect() {
      // postgres.js opens another connection (up to max) before it pipelines onto a busy one.
      this.set(Math.min(inFlight, maxConnections));
    },
  });
  return {
    started: () => {
      inFlight += 1;
    },
    finished: (seconds) => {
      inFlight -= 1;
      if (seconds !== undefined) duration.observe(seconds);
    },
  };
}
