/** One environment variable that overrides one config key. */
export interface EnvOverride {
  env: string;
  path: string[];
  /** Turns the variable's text into the value the schema expects (still validated afterwards). */
  parse?: (raw: string) => unknown;
}

const commaList = (raw: string) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/**
 * Later entries win when two variables name the same key: ours over the seeds' (QUERY_API_PORT
 * over B25's SERVER_PORT, INGESTER_PORT over NexusCore's METRICS_PORT).
 */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { env: "SERVER_PORT", path: ["server", "port"] },
  { env: "QUERY_API_PORT", path: ["server", "port"] },
  { env: "QUERY_API_HOST", path: ["server", "host"] },
  // NexusCore serves its metrics there; here the ingester serves /metrics on its own port.
  { env: "METRICS_PORT", path: ["ingester", "port"] },
  { env: "INGESTER_PORT", path: ["ingester", "port"] },
  { env: "AGGREGATOR_PORT", path: ["aggregator", "port"] },
  { env: "DATABASE_URL", path: ["database", "url"] },
  { env: "DB_HOST", path: ["database", "host"] },
  { env: "DB_PORT", path: ["database", "port"] },
  { env: "DB_NAME", path: ["database", "database"] },
  { env: "DB_USER", path: ["database", "user"] },
  { env: "DB_PASSWORD", path: ["database", "password"] },
  { env: "DB_SSL_MODE", path: ["database", "ssl_mode"] },
  { env: "DB_MAX_CONNECTIONS", path: ["database", "max_connections"] },
  { env: "REDIS_URL", path: ["redis", "url"] },
  { env: "REDIS_HOST", path: ["redis", "host"] },
  { env: "REDIS_PORT", path: ["redis", "port"] },
  { env: "REDIS_PASSWORD", path: ["redis", "password"] },
  { env: "KAFKA_BROKERS", path: ["kafka", "brokers"], parse: commaList },
  { env: "KAFKA_GROUP_ID", path: ["kafka", "consumer_group"] },
  { env: "KAFKA_CONSUMER_GROUP", path: ["kafka", "consumer_group"] },
  // NexusCore's one topic: consumed alone, as that service did.
  { env: "KAFKA_TOPIC", path: ["kafka", "topics"], parse: (raw) => [raw.trim()] },
  { env: "KAFKA_TOPICS", path: ["kafka", "topics"], parse: commaList },
  { env: "KAFKA_DLQ_TOPIC", path: ["kafka", "dead_letter_topic"] },
  { env: "KAFKA_HTTP_TOPIC", path: ["kafka", "http_ingest_topic"] },
  { env: "KAFKA_MAX_DECOMPRESSED_BATCH_BYTES", path: ["kafka", "max_decompressed_batch_bytes"] },
  { env: "KAFKA_TLS_ENABLED", path: ["kafka", "tls", "enabled"] },
  { env: "KAFKA_TLS_CA_FILE", path: ["kafka", "tls", "ca_file"] },
  { env: "KAFKA_TLS_CERT_FILE", path: ["kafka", "tls", "cert_file"] },
  { env: "KAFKA_TLS_KEY_FILE", path: ["kafka", "tls", "key_file"] },
  { env: "KAFKA_SASL_MECHANISM", path: ["kafka", "sasl", "mechanism"] },
  { env: "KAFKA_SASL_USERNAME", path: ["kafka", "sasl", "username"] },
  { env: "KAFKA_SASL_PASSWORD", path: ["kafka", "sasl", "password"] },
  { env: "LOG_LEVEL", path: ["logging", "level"] },
  { env: "LOG_FORMAT", path: ["logging", "format"] },
  { env: "API_KEY_ENABLED", path: ["security", "api_key_enabled"] },
  { env: "TRUSTED_PROXIES", path: ["security", "trusted_proxies"], parse: commaList },
  { env: "RATE_LIMIT_ENABLED", path: ["security", "rate_limit", "enabled"] },
  { env: "CORS_ALLOWED_ORIGINS", path: ["security", "cors", "allowed_origins"], parse: commaList },
];

/**
 * Writes every set variable into the raw (not yet validated) config object and returns
 * which key came from which variable, so errors can name the variable.
 */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const value = env[override.env];
    if (value === undefined || value === "") continue;
    setPath(raw, override.path, override.parse ? override.parse(value) : value);
    origins.set(override.path.join("."), override.env);
  }
  return origins;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
