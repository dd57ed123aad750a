import type { Sql } from "@trading-analytics/core";
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

/** The part of a postgres.js Query this wrapper relies on (a Promise that runs on its first then/execute). */
interface PendingQuery extends Promise<unknown> {
  handle(): unknown;
  executed?: boolean;
  /** Set by cursor(): a stream read in batches, not timed (it lasts as long as its reader). */
  cursorRows?: number;
}

function isQuery(value: unknown): value is PendingQuery {
  return value instanceof Promise && typeof (value as Partial<PendingQuery>).handle === "function";
}

/**
 * `sql` with every statement it runs timed: postgres.js has no hook when a statement ends (its
 * `debug` option fires on sending, and makes every query capture a stack), so each Query it
 * returns is timed from its first run to its settling. Fragments nested in another statement
 * never run on their own and are not counted; a transaction (begin) counts as one connection in
 * use while it lasts, without a duration (an export's lasts minutes).
 */
export function timedSql(sql: Sql, observer: StatementObserver): Sql {
  const track = <T>(query: T): T => {
    if (!isQuery(query)) return query;
    const run = query.handle;
    query.handle = function (this: PendingQuery) {
      if (!this.executed && this.cursorRows === undefined) {
        const started = performance.now();
        observer.started();
        const done = () => observer.finished((performance.now() - started) / 1000);
        // Promise's own then: the Query's would run it again.
        Promise.prototype.then.call(this, done, done);
      }
      return run.call(this);
    };
    return query;
  };
  const begin = (...args: unknown[]) => {
    observer.started();
    const transaction = (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args);
    const done = () => observer.finished(undefined);
    transaction.then(done, done);
    return transaction;
  };
  const unsafe = (...args: unknown[]) => track((sql.unsafe as (...a: unknown[]) => unknown)(...args));
  return new Proxy(sql, {
    apply: (target, thisArg, args) => track(Reflect.apply(target, thisArg, args)),
    get: (target, property, receiver) => {
      if (property === "begin") return begin;
      if (property === "unsafe") return unsafe;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
