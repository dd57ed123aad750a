import type { Sql } from "@trading-analytics/core";
import type { StatementObserver } from "@trading-analytics/metrics";

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
        void Promise.prototype.then.call(this, done, done);
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
