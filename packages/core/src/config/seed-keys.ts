// Keys of the seeds' config.yaml (B25 002) that are accepted so the seed's files load, but
// have no effect here. Each one given is named once at start with the reason.

/** Dotted key -> why it has no effect here. */
export const SEED_ONLY_KEYS: Readonly<Record<string, string>> = {
  "database.max_idle_connections":
    "postgres.js keeps no idle minimum; pooled connections close after database.idle_timeout and reopen on demand up to database.max_connections",
  "redis.pool_size": "node-redis sends every command of a process over one pipelined connection, so there is no pool to size",
  "redis.min_idle_conns": "node-redis sends every command of a process over one pipelined connection, so there are no idle connections to keep",
  "kafka.enable_auto_commit":
    "offsets are never auto-committed: the ingester always commits a batch's offsets after its events are stored (what enable_auto_commit: false asked for)",
  "analytics.aggregation.workers":
    "events are folded in one transaction per cycle under a lock on the aggregation cursor (analytics.aggregation.poll_interval, max_events_per_cycle), so one replica folds at a time and more workers would only wait",
  "metrics.port":
    "each app serves metrics.path on its own port: query-api server.port (9097), ingester ingester.port (9098, the seed's metrics port; METRICS_PORT), aggregator aggregator.port (9099)",
  "health.port":
    "each app serves /health (liveness) and /ready (readiness) on its own port: query-api server.port (9097), ingester ingester.port (9098), aggregator aggregator.port (9099)",
  "health.path": "each app serves liveness at /health and readiness at /ready; the paths are fixed",
};

/** One line per seed-only key present in the raw (file plus environment) configuration. */
export function seedKeyWarnings(raw: Record<string, unknown>): string[] {
  return Object.entries(SEED_ONLY_KEYS)
    .filter(([key]) => valueAt(raw, key.split(".")) !== undefined)
    .map(([key, reason]) => `config warning: ${key} has no effect here (accepted from the seed's config): ${reason}`);
}

export function valueAt(raw: unknown, keys: readonly string[]): unknown {
  let node = raw;
  for (const key of keys) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
