import { isIP } from "node:net";
import { z } from "zod";
import { AGGREGATION_INTERVALS } from "../models/intervals";
import { DEFAULT_DIMENSIONS, DEFAULT_MEASURES, rollupDimension, rollupMeasure } from "./rollup-schema";
import { decimal, duration, flag, integer, list, nonEmptyText, oneOf, optionalDuration, optionalInteger, port, section, seedOnly, text } from "./schema-helpers";

/** The seeds' topics: B25's four and NexusCore's user-events. */
/** Below 2, ordinary jitter would count as gaps (half of all intervals are longer than the median). */
export const MIN_GAP_FACTOR = 2;
export const MAX_GAP_FACTOR = 1000;

const DEFAULT_TOPICS = ["trading.events", "market.data", "order.events", "user.actions", "user-events"];

// The one configuration schema. YAML keys are snake_case as in config.example.yaml, which
// documents every key; durations are parsed to milliseconds.

const PROXY_ADDRESS = "a list of IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal";
const proxyAddress = z.string({ error: PROXY_ADDRESS }).refine(
  (value) => {
    if (["loopback", "linklocal", "uniquelocal"].includes(value)) return true;
    const [address = "", bits, ...rest] = value.split("/");
    const version = isIP(address);
    if (version === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  },
  { error: PROXY_ADDRESS },
);

const httpListener = (defaultPort: number) =>
  section({
    host: text("0.0.0.0"),
    port: port(defaultPort),
  });

export const configSchema = z
  .strictObject({
    /** The query-api's HTTP server. */
    server: section({
      /**
       * Address to listen on. Unset: 0.0.0.0 with API keys on, 127.0.0.1 with them off, so a
       * keyless API is not reachable from the network unless a host is given on purpose.
       */
      host: z.string().optional(),
      port: port(9097),
      read_timeout: duration("1s", "10m", "30s"),
      write_timeout: duration("1s", "10m", "30s"),
      shutdown_timeout: duration("1s", "5m", "10s"),
      max_body_bytes: integer(1024, 64 * 1024 * 1024, 5 * 1024 * 1024),
      /** Most events one POST /api/v1/events/batch may carry. */
      max_batch_events: integer(1, 100_000, 1000),
    }),
    /** The ingester's own /health, /ready and /metrics. */
    ingester: httpListener(9098),
    /** The aggregator's own /health, /ready and /metrics. */
    aggregator: httpListener(9099),
    database: section({
      /** Wins over host and the keys below; postgres:// or postgresql:// as libpq reads it. */
      url: z
        .string({ error: "a postgres:// or postgresql:// URL" })
        .regex(/^postgres(ql)?:\/\//, { error: "a postgres:// or postgresql:// URL" })
        .optional(),
      // Optional in the type only (the default always fills it): a config built from a url needs none.
      host: z.optional(nonEmptyText("localhost")),
      port: port(5432),
      database: nonEmptyText("analytics"),
      user: nonEmptyText("postgres"),
      password: text(""),
      ssl_mode: oneOf(["disable", "prefer", "require", "verify-full"], "disable"),
      max_connections: integer(1, 500, 20),
      idle_timeout: duration("1s", "1h", "30s"),
      connection_lifetime: duration("10s", "24h", "30m"),
      connect_timeout: duration("1s", "5m", "10s"),
      statement_timeout: duration("100ms", "1h", "60s"),
      max_idle_connections: seedOnly(integer(0, 500, 0)),
    }),
    redis: section({
      /** Wins over host and port. */
      url: z.string().optional(),
      host: z.optional(nonEmptyText("localhost")),
      port: port(6379),
      password: text(""),
      db: integer(0, 15, 0),
      key_prefix: text("analytics:"),
      connect_timeout: duration("100ms", "1m", "5s"),
      pool_size: seedOnly(integer(0, 10_000, 0)),
      min_idle_conns: seedOnly(integer(0, 10_000, 0)),
    }),
    kafka: section({
      brokers: z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: "host:port entries" }), {
          error: "a list of host:port entries",
        })
        .min(1, { error: "a list of at least one host:port entry" })
        .default(["localhost:9092"]),
      client_id: nonEmptyText("trading-analytics"),
      consumer_group: nonEmptyText("analytics-consumer-group"),
      topics: list(DEFAULT_TOPICS, 1),
      dead_letter_topic: nonEmptyText("analytics.dead-letter"),
      /** Where the query-api produces events posted over HTTP; the ingesters must consume it. Unset: trading.events if consumed, else the first of kafka.topics. */
      http_ingest_topic: nonEmptyText().optional(),
      session_timeout: duration("6s", "5m", "30s"),
      heartbeat_interval: duration("100ms", "1m", "3s"),
      connection_timeout: duration("100ms", "1m", "3s"),
      /** Largest dead letter, headers included, sent whole; larger ones go as a pointer to the original. Unset: the topic's max.message.bytes, read at start. */
      dead_letter_max_bytes: optionalInteger(1024, 64 * 1024 * 1024).optional(),
      /** Most bytes one compressed batch, and all batches of one fetch together, may decompress to; a batch past it is a decompression bomb, dead-lettered as undecodable. */
      max_decompressed_batch_bytes: integer(1024 * 1024, 1024 * 1024 * 1024, 64 * 1024 * 1024),
      tls: section({
        enabled: flag(false),
        /** PEM files; an empty ca_file trusts the system's CAs, cert_file and key_file (both or neither) give mutual TLS. */
        ca_file: text(""),
        cert_file: text(""),
        key_file: text(""),
        /** false accepts any broker certificate: test clusters only. */
        reject_unauthorized: flag(true),
      }),
      sasl: section({
        mechanism: oneOf(["none", "plain", "scram-sha-256", "scram-sha-512"], "none"),
        username: text(""),
        password: text(""),
      }),
      enable_auto_commit: seedOnly(flag(false)),
    }).transform((kafka) => ({ ...kafka, http_ingest_topic: kafka.http_ingest_topic ?? defaultIngestTopic(kafka.topics) })),
    analytics: section({
      ingestion: section({
        batch_size: integer(1, 100_000, 1000),
        batch_timeout: duration("1ms", "1m", "1s"),
        /** Partitions one ingester replica processes concurrently. */
        workers: integer(1, 64, 4),
        /** Events held in memory before fetching pauses (back-pressure bound). */
        buffer_size: integer(100, 1_000_000, 10_000),
        max_event_bytes: integer(256, 10 * 1024 * 1024, 1024 * 1024),
        max_future_skew: duration("0s", "1d", "5m"),
        /** Older event times are refused; unset, analytics.retention.raw_events (an event older than that would be dropped at once). */
        max_event_age: optionalDuration("1h", "36500d").optional(),
        unknown_event_types: oneOf(["accept", "dead_letter"], "accept"),
        partitions_ahead_days: integer(1, 90, 7),
        /** How often custom event definitions are re-checked (changes also arrive via Redis at once). */
        schema_refresh_interval: duration("100ms", "10m", "5s"),
      }),
      aggregation: section({
        intervals: z
          .array(z.enum(AGGREGATION_INTERVALS, { error: `one of ${AGGREGATION_INTERVALS.join(", ")}` }), {
            error: `a list drawn from ${AGGREGATION_INTERVALS.join(", ")}`,
          })
          .min(1, { error: `a non-empty list drawn from ${AGGREGATION_INTERVALS.join(", ")}` })
          .default([...AGGREGATION_INTERVALS]),
        poll_interval: duration("10ms", "1m", "100ms"),
        max_events_per_cycle: integer(100, 1_000_000, 20_000),
        allowed_lateness: duration("0s", "30d", "24h"),
        dashboard_refresh_interval: duration("100ms", "10m", "1s"),
        dimensions: z.array(rollupDimension, { error: "a list of { name, property, event_types }" }).default(DEFAULT_DIMENSIONS),
        measures: z.array(rollupMeasure, { error: "a list of { name, property } or { name, product: [a, b] }" }).default(DEFAULT_MEASURES),
        /** Consecutive failed cycles on the same page before it is folded by bisection and the events failing on their own are set aside. */
        isolate_after_failures: integer(1, 1000, 3),
        /** Consecutive failed cycles after which the aggregator's /ready answers 503 (until a cycle succeeds). */
        max_failed_cycles: integer(1, 1000, 5),
        workers: seedOnly(integer(1, 1000, 1)),
      }),
      retention: section({
        raw_events: duration("1d", "36500d", "90d"),
        minute_aggregates: duration("1d", "36500d", "365d"),
        hour_aggregates: duration("1d", "36500d", "730d"),
        daily_aggregates: duration("1d", "36500d", "3650d"),
        cleanup_interval: duration("1m", "7d", "1h"),
      }),
      query: section({
        max_results: integer(1, 1_000_000, 10_000),
        default_limit: integer(1, 1_000_000, 100),
        /** statement_timeout of every read query (not of an export: export_timeout); past it the answer is 503. */
        timeout: duration("100ms", "10m", "30s"),
        cache_ttl: duration("0s", "1d", "60s"),
        /** Longest start_time..end_time of GET /api/v1/events and its export. */
        max_range: duration("1h", "36500d", "31d"),
        /** Most points one metrics or trading answer may hold (buckets, times values for a per-value series). */
        max_points: integer(1, 10_000_000, 50_000),
        /** Bounds a whole export, however slowly its client reads; its database connection is freed after it. */
        export_timeout: duration("10s", "24h", "30m"),
        /** An export client that takes no bytes for this long is dropped, freeing its database connection. */
        export_idle_timeout: duration("1s", "30m", "60s"),
        /** Exports one API key (or, keyless, one client address) may run at once; each holds a database connection. */
        max_exports_per_client: integer(1, 1000, 2),
        /** Live event streams (SSE) one process serves at once. */
        max_streams: integer(1, 1_000_000, 1000),
        /** Live event streams one API key (or, keyless, one client address) may hold at once, per process. */
        max_streams_per_client: integer(1, 1_000_000, 20),
      }),
      trading: section({
        /** A market-data gap is no update of a symbol for longer than this many times its usual (median) interval; ?gap_factor= overrides it. */
        market_data_gap_factor: decimal(MIN_GAP_FACTOR, MAX_GAP_FACTOR, 5),
      }),
    }),
    metrics: section({
      enabled: flag(true),
      path: text("/metrics"),
      default_metrics: flag(true),
      port: seedOnly(port(9098)),
    }),
    logging: section({
      level: oneOf(["error", "warn", "info", "http", "debug"], "info"),
      format: oneOf(["json", "console"], "json"),
      /** file: every line goes to file_path instead of stdout. */
      output: oneOf(["stdout", "file"], "stdout"),
      file_path: text(""),
    }),
    /** The seed's separate health listener; here each app serves /health and /ready on its own port. */
    health: section({
      port: seedOnly(port(9099)),
      path: seedOnly(text("/health")),
    }),
    /** The query-api's API keys, rate limits and CORS. */
    security: section({
      /** Every route but health, metrics and the OpenAPI document needs an API key (pnpm api-key create). */
      api_key_enabled: flag(true),
      /** How long a verified key is trusted without asking PostgreSQL again: the delay before a revocation bites. */
      api_key_cache_ttl: duration("0s", "5m", "5s"),
      /**
       * Proxies whose X-Forwarded-For is believed when finding the client's address (Express's
       * "trust proxy"): IPs, CIDRs, or loopback / linklocal / uniquelocal. Empty: the header is ignored,
       * so a client cannot pick its own rate-limit bucket.
       */
      trusted_proxies: z.array(proxyAddress, { error: PROXY_ADDRESS }).default([]),
      rate_limit: section({
        enabled: flag(true),
        /** Sustained rate of the token bucket; an API key's own rate_limit_per_minute overrides it. */
        requests_per_minute: integer(1, 10_000_000, 1000),
        /** Bucket size: requests allowed at once (capped at the per-minute rate). Unset: requests_per_minute, as the seed's one-minute window. */
        burst: optionalInteger(1, 1_000_000).optional(),
        /** A Redis answer slower than this is not waited for: the process's own bucket decides instead. */
        redis_timeout: duration("1ms", "10s", "100ms"),
        /** Health, readiness, Prometheus and the dashboard's files: their own bucket per client address. */
        public_requests_per_minute: integer(1, 10_000_000, 1200),
      }).transform((limit) => ({ ...limit, burst: limit.burst ?? limit.requests_per_minute })),
      cors: section({
        enabled: flag(true),
        allowed_origins: list(["http://localhost:3000", "http://localhost:8080"]),
        allowed_methods: list(["GET", "POST", "PUT", "DELETE"]),
        allowed_headers: list(["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"]),
      }),
    }),
  })
  .superRefine((config, ctx) => {
    if (config.logging.output === "file" && config.logging.file_path === "") {
      ctx.addIssue({ code: "custom", path: ["logging", "file_path"], message: "a file to write to when logging.output is file" });
    }
    const { query, retention, aggregation } = config.analytics;
    for (const key of ["dimensions", "measures"] as const) {
      const names = aggregation[key].map((entry) => entry.name);
      const repeated = names.find((entry, index) => names.indexOf(entry) !== index);
      if (repeated) {
        ctx.addIssue({ code: "custom", path: ["analytics", "aggregation", key], message: `names used once each (${repeated} repeats)` });
      }
    }
    if (query.default_limit > query.max_results) {
      ctx.addIssue({
        code: "custom",
        path: ["analytics", "query", "default_limit"],
        message: `at most analytics.query.max_results (${query.max_results})`,
      });
    }
    const maxEventAge = config.analytics.ingestion.max_event_age;
    if (maxEventAge !== undefined && maxEventAge > retention.raw_events) {
      ctx.addIssue({
        code: "custom",
        path: ["analytics", "ingestion", "max_event_age"],
        message: "at most analytics.retention.raw_events (older events would be dropped as soon as they were stored)",
      });
    }
    if (retention.minute_aggregates < retention.raw_events) {
      ctx.addIssue({
        code: "custom",
        path: ["analytics", "retention", "minute_aggregates"],
        message: "at least analytics.retention.raw_events (rollups outlive the events they summarise)",
      });
    }
    if (config.kafka.heartbeat_interval * 3 > config.kafka.session_timeout) {
      ctx.addIssue({
        code: "custom",
        path: ["kafka", "heartbeat_interval"],
        message: "at most a third of kafka.session_timeout",
      });
    }
    const { sasl, tls } = config.kafka;
    if (sasl.mechanism !== "none" && (sasl.username === "" || sasl.password === "")) {
      ctx.addIssue({ code: "custom", path: ["kafka", "sasl", "username"], message: `a username and a password with mechanism ${sasl.mechanism}` });
    }
    if ((tls.cert_file === "") !== (tls.key_file === "")) {
      ctx.addIssue({ code: "custom", path: ["kafka", "tls", "cert_file"], message: "set together with kafka.tls.key_file (mutual TLS needs both)" });
    }
    if (config.kafka.topics.includes(config.kafka.dead_letter_topic)) {
      ctx.addIssue({
        code: "custom",
        path: ["kafka", "dead_letter_topic"],
        message: "a topic that is not also consumed (kafka.topics)",
      });
    }
  });

function defaultIngestTopic(topics: string[]): string {
  return topics.includes("trading.events") ? "trading.events" : topics[0]!;
}

export type Config = z.output<typeof configSchema>;
export type RawConfigInput = z.input<typeof configSchema>;
