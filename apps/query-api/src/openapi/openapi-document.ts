// The OpenAPI 3.1 description of the query-api, served at /api/v1/openapi.json. Schemas are
// JSON Schema 2020-12 (OpenAPI 3.1's dialect), so the tests validate real responses with them;
// a test also checks that every route the app serves is described here and nothing else is.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const errorResponse = (description: string) => json(ref("Error"), description);
const nullableNumber = { type: ["number", "null"] };
const time = { type: "string", format: "date-time" };
const query = (name: string, description: string, schema: object = { type: "string" }, required = false) => ({
  name,
  in: "query",
  required,
  description,
  schema,
});
const path = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });

const RANGE = [
  query("start_time", "RFC 3339; default end_time minus one day (events and export: at most analytics.query.max_range before end_time)", { type: "string", format: "date-time" }),
  query("end_time", "RFC 3339; default now", { type: "string", format: "date-time" }),
];
const INTERVAL = query("interval", "rollup interval", { type: "string", enum: ["1m", "5m", "15m", "1h", "1d"] });
const EVENT_FILTERS = [
  ...RANGE,
  query("event_type", "only this event type", { type: "string" }),
  query("user_id", "only this user", { type: "string" }),
  query("session_id", "only this session", { type: "string" }),
  query("service", "only events of this emitting service (NexusCore's service)", { type: "string" }),
];
const RANGE_VIEW = { interval: { type: "string" }, start_time: time, end_time: time };

const NULLABLE_STRING = { type: ["string", "null"] };
const DURATION_FIGURES = {
  type: "object",
  required: ["count", "p50", "p95", "p99"],
  properties: { count: { type: "integer", description: "orders measured" }, p50: nullableNumber, p95: nullableNumber, p99: nullableNumber },
};
const ORDER_FIGURES_REQUIRED = ["orders", "fill_rate", "quantity_fill_ratio", "cancel_to_fill_ratio", "time_to_first_fill_ms", "time_to_fill_ms"];
const ORDER_FIGURES = {
  orders: {
    type: "object",
    required: ["placed", "filled", "partially_filled", "canceled", "rejected", "open"],
    properties: Object.fromEntries(["placed", "filled", "partially_filled", "canceled", "rejected", "open"].map((status) => [status, { type: "integer" }])),
  },
  fill_rate: { ...nullableNumber, description: "orders.filled / orders.placed × 100" },
  quantity_fill_ratio: { ...nullableNumber, description: "Σ min(filled, ordered quantity) / Σ ordered quantity × 100" },
  cancel_to_fill_ratio: { ...nullableNumber, description: "orders.canceled / orders.filled; null with none filled" },
  time_to_first_fill_ms: { ...DURATION_FIGURES, description: "first fill − placement, ms, exact percentiles" },
  time_to_fill_ms: { ...DURATION_FIGURES, description: "full fill − placement of the fully filled orders, ms, exact percentiles" },
};

const READ = [{ ApiKey: [] }, { Bearer: [] }];
const COMMON_ERRORS = {
  "400": errorResponse("a parameter or the body is invalid; field names it"),
  "401": errorResponse("API key missing, unknown or revoked (when API keys are enabled)"),
  "403": errorResponse("the API key lacks the scope this route needs"),
  "429": errorResponse("rate limited; see Retry-After and X-RateLimit-*"),
};

const health = {
  get: {
    tags: ["operations"],
    summary: "Health report: each dependency with its latency",
    security: [],
    responses: { "200": json(ref("HealthReport"), "the report"), "503": json(ref("HealthReport"), "a critical dependency is down") },
  },
};

export const openApiDocument = {
  openapi: "3.1.0",
  jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
  info: {
    title: "Trading analytics query API",
    version: "1.0.0",
    description:
      "Ingest events over HTTP, query stored events, rollup metrics, trading analytics and dashboard figures. " +
      "Every error is flat, as the B25 seed's clients read it: {\"error\":\"<message>\",\"code\",\"field?\",\"request_id\",...details}; every response carries X-Request-ID.",
  },
  servers: [{ url: "http://localhost:9097" }],
  security: READ,
  paths: {
    "/health": { get: { ...health.get, summary: "Liveness: the process answers (dependency trouble shows in the body)", responses: { "200": json(ref("HealthReport"), "alive") } } },
    "/ready": { get: { ...health.get, summary: "Readiness: 200 while every critical dependency is up and the process is not shutting down" } },
    "/healthz": health,
    "/metrics": {
      get: {
        tags: ["operations"],
        summary: "Prometheus metrics",
        security: [],
        responses: { "200": { description: "text exposition format", content: { "text/plain": { schema: { type: "string" } } } } },
      },
    },
    "/api/v1/openapi.json": {
      get: { tags: ["operations"], summary: "This document", security: [], responses: { "200": json({ type: "object" }, "OpenAPI 3.1") } },
    },
    "/api/v1/events": {
      get: {
        tags: ["events"],
        summary: "Stored events, newest first, keyset-paginated (stable under concurrent inserts)",
        parameters: [
          ...EVENT_FILTERS,
          query("limit", "1..analytics.query.max_results; default analytics.query.default_limit", { type: "integer", minimum: 1 }),
          query("cursor", "next_cursor of the previous page"),
          query("properties.{name}", "filter: a top-level property equals this text (up to 5 such filters, e.g. properties.symbol=BTCUSDT)"),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["events", "count", "start_time", "end_time", "next_cursor"],
              properties: { events: { type: "array", items: ref("Event") }, count: { type: "integer" }, start_time: time, end_time: time, next_cursor: { type: ["string", "null"] } },
            },
            "a page of events",
          ),
          ...COMMON_ERRORS,
          "503": errorResponse("query_timeout: the query ran past analytics.query.timeout"),
        },
      },
      post: {
        tags: ["events"],
        summary: "Track one event: validated like the ingester validates, then produced to Kafka",
        security: [{ ApiKey: [] }, { Bearer: [] }],
        requestBody: { required: true, content: { "application/json": { schema: ref("IncomingEvent") } } },
        responses: {
          "202": json(
            {
              type: "object",
              required: ["success", "event_id"],
              properties: {
                success: { const: true },
                event_id: { type: "string", format: "uuid" },
                duplicate: { type: "boolean", description: "the id is stored already: this copy is not stored again (dead-lettered if its content differs); absent when the database could not tell" },
              },
            },
            "accepted; stored by the ingester exactly once",
          ),
          ...COMMON_ERRORS,
          "413": errorResponse("body larger than server.max_body_bytes"),
          "415": errorResponse("the body is not JSON"),
          "503": errorResponse("Kafka did not acknowledge; retry with the same event_ids"),
        },
      },
    },
    "/api/v1/events/batch": {
      post: {
        tags: ["events"],
        summary: "Track up to server.max_batch_events events; the batch is accepted whole or refused whole",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { oneOf: [{ type: "object", required: ["events"], additionalProperties: false, properties: { events: { type: "array", items: ref("IncomingEvent") } } }, { type: "array", items: ref("IncomingEvent") }] } } },
        },
        responses: {
          "202": json(
            {
              type: "object",
              required: ["success", "accepted", "event_ids"],
              properties: {
                success: { const: true },
                accepted: { type: "integer" },
                event_ids: { type: "array", items: { type: "string", format: "uuid" } },
                duplicate_event_ids: { type: "array", items: { type: "string", format: "uuid" }, description: "ids of the batch stored already (not stored again)" },
              },
            },
            "accepted",
          ),
          ...COMMON_ERRORS,
          "413": errorResponse("body too large"),
          "415": errorResponse("the body is not JSON"),
          "503": errorResponse("Kafka did not acknowledge; retry with the same event_ids"),
        },
      },
    },
    "/api/v1/events/stats": {
      get: {
        tags: ["events"],
        summary: "Stored events over a range (at most 31 days), in total and by type, most frequent first",
        parameters: [...RANGE, query("limit", "list at most this many types", { type: "integer", minimum: 1 })],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", "total_events", "by_type"],
              properties: { start_time: time, end_time: time, total_events: { type: "integer" }, by_type: { type: "object", additionalProperties: { type: "integer" } } },
            },
            "counts",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/events/export": {
      get: {
        tags: ["events"],
        summary: "Every event matching the filters, oldest first, streamed as CSV or NDJSON in constant memory (CSV cells starting like a formula get a leading ')",
        parameters: [query("format", "csv or ndjson", { type: "string", enum: ["csv", "ndjson"] }), ...EVENT_FILTERS],
        responses: {
          "200": {
            description: "the events",
            content: { "text/csv": { schema: { type: "string" } }, "application/x-ndjson": { schema: { type: "string" } } },
          },
          ...COMMON_ERRORS,
          "429": errorResponse("rate limited, or this API key (or address) already runs analytics.query.max_exports_per_client exports"),
          "503": errorResponse("query_timeout: the export's query ran past analytics.query.export_timeout before its first row"),
        },
      },
      head: {
        tags: ["events"],
        summary: "The headers GET would send (type, file name), without running the export",
        parameters: [query("format", "csv or ndjson", { type: "string", enum: ["csv", "ndjson"] }), ...EVENT_FILTERS],
        responses: { "200": { description: "headers only" }, ...COMMON_ERRORS },
      },
    },
    "/api/v1/events/stream": {
      get: {
        tags: ["events"],
        summary: "Server-Sent Events: each newly stored event (event: event, id: event_id, data: the event's JSON)",
        parameters: [query("event_type", "comma-separated event types to receive"), query("user_id", "only this user's events"), query("service", "only this service's events")],
        responses: {
          "200": { description: "an event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
          ...COMMON_ERRORS,
          "429": errorResponse("rate limited, or this API key (or address) already holds analytics.query.max_streams_per_client streams"),
          "503": errorResponse("this process already serves analytics.query.max_streams streams, or is shutting down"),
        },
      },
    },
    "/api/v1/metrics": {
      get: {
        tags: ["metrics"],
        summary: "One rollup metric's buckets over a range, and the range merged into a summary (percentiles from merged sketches)",
        description:
          "Besides the rollup metrics, the seed's trading metrics, computed per bucket of any interval (30m and 4h too): " +
          "trading.order_fill_rate is, for the orders PLACED in each bucket, the percentage of them that are fully filled " +
          "(0..100, one count per order, partial fills never inflate it); its points carry count = orders placed, sum = orders fully filled, " +
          "avg = value = the fill rate, and the per-status counts. trading.total_volume is the sum of price × quantity of the fills in each " +
          "bucket (by fill time): count = fills, sum = value = the volume. Both are served overall only (no dimension).",
        parameters: [
          query("metric_name", "e.g. events.count.order.placed, events.price.order.filled, users.active, trading.order_fill_rate, trading.total_volume", { type: "string" }, true),
          query("interval", "bucket size; default 1h. 30m and 4h (the B25 seed's) are merged exactly from 15m and 1h buckets (or the coarsest stored interval that tiles them)", {
            type: "string",
            enum: ["1m", "5m", "15m", "30m", "1h", "4h", "1d"],
          }),
          ...RANGE,
          query("dimension", "symbol, strategy, side (as configured); without dimension_value: one series per value"),
          query("dimension_value", "one value of the dimension"),
          query("dimensions", 'the B25 seed\'s spelling of one dimension value, a JSON object: {"symbol":"BTCUSDT"} (or {} for the overall series); not with dimension', {
            type: "string",
          }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["metric_name", "interval", "start_time", "end_time", "dimension", "dimension_value", "summary", "points"],
              properties: {
                metric_name: { type: "string" },
                ...RANGE_VIEW,
                dimension: { type: ["string", "null"] },
                dimension_value: { type: ["string", "null"] },
                definition: { type: "string", description: "what the figures mean (trading.* metrics only)" },
                dimensions: {
                  type: ["object", "null"],
                  additionalProperties: { type: "string" },
                  description: "the seed's form of dimension and dimension_value: {} overall, null for one series per value",
                },
                summary: { oneOf: [ref("MetricFigures"), { type: "null" }] },
                points: { type: "array", items: ref("MetricPoint") },
              },
            },
            "the series (X-Cache says whether Redis served it)",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/dashboard/metrics": {
      get: {
        tags: ["metrics"],
        summary: "Headline figures, kept fresh in Redis by the aggregator (computed from rollups when Redis lost them)",
        responses: { "200": json(ref("DashboardMetrics"), "the figures"), ...COMMON_ERRORS },
      },
    },
    "/api/v1/trading/fill-rate": {
      get: {
        tags: ["trading"],
        summary: "Per-order fill, cancel and reject rates of the orders placed in the range, overall or for one symbol, strategy or side",
        description:
          "The cohort is the orders whose order.placed falls in the range's buckets (order_analytics, one row per order_id). " +
          "fill_rate = orders fully filled / orders placed × 100: trading.order_fill_rate, at most 100, partial fills never inflate it. " +
          "An order is fully filled when a fill says no quantity is left (is_partial false) or its fills reach the ordered quantity; " +
          "a filled order counts as filled even if a cancel was also sent. The statuses (filled, partially_filled = still open with fills, " +
          "canceled (also after partial fills), rejected, open) add up to orders_placed. All rates are percentages; null with nothing placed.",
        parameters: [...RANGE, INTERVAL, query("symbol", "one symbol"), query("strategy", "one strategy id"), query("side", "BUY or SELL")],
        responses: {
          "200": json(
            {
              type: "object",
              required: [
                "orders_placed", "orders_filled", "orders_partially_filled", "orders_canceled", "orders_rejected", "orders_open",
                "fill_rate", "cancel_rate", "reject_rate", "ordered_quantity", "filled_quantity", "quantity_fill_rate",
              ],
              properties: {
                ...RANGE_VIEW,
                symbol: { type: "string" },
                strategy: { type: "string" },
                side: { type: "string" },
                orders_placed: { type: "integer", description: "orders placed in the range" },
                orders_filled: { type: "integer", description: "of those, fully filled" },
                orders_partially_filled: { type: "integer", description: "of those, still open with some quantity filled" },
                orders_canceled: { type: "integer", description: "of those, canceled (with or without partial fills)" },
                orders_rejected: { type: "integer" },
                orders_open: { type: "integer", description: "of those, open with nothing filled" },
                fill_rate: { ...nullableNumber, description: "orders_filled / orders_placed × 100 (trading.order_fill_rate)" },
                cancel_rate: { ...nullableNumber, description: "orders_canceled / orders_placed × 100" },
                reject_rate: { ...nullableNumber, description: "orders_rejected / orders_placed × 100" },
                ordered_quantity: { type: "number", description: "ordered quantity of the orders placed" },
                filled_quantity: { type: "number", description: "their filled quantity, each order's capped at its ordered quantity" },
                quantity_fill_rate: { ...nullableNumber, description: "filled_quantity / ordered_quantity × 100" },
              },
            },
            "per-order rates in percent (null when nothing was placed)",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/orders": {
      get: {
        tags: ["trading"],
        summary: "Order lifecycle figures of the orders placed in the range: outcomes, fill rate, fill ratio, cancel-to-fill, time to fill",
        description:
          "The cohort is the orders whose order.placed falls in [start_time, end_time) (order_analytics, one row per order_id), " +
          "as SQL's trading_order_figures(start, end, by) computes it. Statuses add up to orders.placed. fill_rate = filled / placed × 100 " +
          "(by orders, at most 100); quantity_fill_ratio = Σ min(filled, ordered quantity) / Σ ordered quantity × 100; cancel_to_fill_ratio = " +
          "canceled / filled orders (null with none filled). time_to_first_fill_ms = first fill − placement, time_to_fill_ms = full fill − placement " +
          "(fully filled orders), percentiles as the value at rank floor(q(n-1)) within 1 % (log bins); a fill timed before its placement (clock skew) counts with its negative time. " +
          "by breaks the cohort down (orders without that attribute under null). See docs/trading.md, \"Order lifecycle figures\".",
        parameters: [
          ...RANGE,
          query("symbol", "only orders of this symbol"),
          query("strategy", "only orders of this strategy id"),
          query("side", "only orders of this side (BUY or SELL)"),
          query("by", "also break the figures down by symbol, strategy or side", { type: "string", enum: ["symbol", "strategy", "side"] }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", ...ORDER_FIGURES_REQUIRED],
              properties: {
                start_time: time,
                end_time: time,
                symbol: { type: "string" },
                strategy: { type: "string" },
                side: { type: "string" },
                by: { type: "string", enum: ["symbol", "strategy", "side"] },
                ...ORDER_FIGURES,
                breakdown: {
                  type: "array",
                  description: "one entry per value of by, ordered by it, null (orders without it) last",
                  items: {
                    type: "object",
                    required: ORDER_FIGURES_REQUIRED,
                    properties: { symbol: NULLABLE_STRING, strategy: NULLABLE_STRING, side: NULLABLE_STRING, ...ORDER_FIGURES },
                  },
                },
              },
            },
            "the cohort's figures (ratios null when their denominator is 0, percentiles null with nothing measured)",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/volume": {
      get: {
        tags: ["trading"],
        summary: "Filled orders, quantity and notional per symbol, strategy or side",
        parameters: [...RANGE, INTERVAL, query("by", "symbol (default), strategy or side", { type: "string", enum: ["symbol", "strategy", "side"] })],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["by", "total_fills", "total_quantity", "total_notional", "breakdown"],
              properties: {
                ...RANGE_VIEW,
                by: { type: "string" },
                total_fills: { type: "integer" },
                total_quantity: { type: "number" },
                total_notional: { type: "number" },
                breakdown: { type: "array", items: { type: "object", required: ["fills", "quantity", "notional"], properties: { fills: { type: "integer" }, quantity: { type: "number" }, notional: { type: "number" } } } },
              },
            },
            "volume",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/ohlcv": {
      get: {
        tags: ["trading"],
        summary: "OHLCV candles with VWAP for one symbol, from market.data.update",
        parameters: [query("symbol", "the symbol", { type: "string" }, true), ...RANGE, { ...INTERVAL, description: "candle size; default the finest interval" }],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["symbol", "candles"],
              properties: {
                ...RANGE_VIEW,
                symbol: { type: "string" },
                candles: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["bucket_start", "open", "high", "low", "close", "volume", "vwap", "updates"],
                    properties: { bucket_start: time, open: { type: "number" }, high: { type: "number" }, low: { type: "number" }, close: { type: "number" }, volume: { type: "number" }, vwap: nullableNumber, updates: { type: "integer" } },
                  },
                },
              },
            },
            "candles",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/strategies": {
      get: {
        tags: ["trading"],
        summary: "Performance of every strategy active in the range",
        parameters: [...RANGE, INTERVAL],
        responses: {
          "200": json({ type: "object", required: ["strategies"], properties: { ...RANGE_VIEW, strategies: { type: "array", items: ref("StrategyPerformance") } } }, "strategies"),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/strategies/{strategy}/performance": {
      get: {
        tags: ["trading"],
        summary: "One strategy's signals, orders, fills, filled notional and realized PnL",
        parameters: [path("strategy", "strategy id"), ...RANGE, INTERVAL],
        responses: { "200": json({ allOf: [ref("StrategyPerformance"), { type: "object", properties: RANGE_VIEW }] }, "performance"), ...COMMON_ERRORS },
      },
    },
    "/api/v1/trading/market-data/health": {
      get: {
        tags: ["trading"],
        summary: "Market-data health per symbol: update rate, usual interval, gaps (counted and listed) and quoted spread",
        description:
          "From market_data_health and market_data_gaps (one definition, also for Grafana and psql). An interval is the time between two " +
          "consecutive updates of a symbol; the usual interval is the median of its positive intervals ending in the range; a gap is an interval " +
          "longer than gap_factor × the usual interval, counted in the range where it ends (it may begin before start_time; a silence still " +
          "running at end_time is not a gap yet). Percentiles (usual interval, spread) are within 1 %; spread over two-sided quotes only.",
        parameters: [
          ...RANGE,
          query("symbol", "one symbol"),
          query("gap_factor", "a gap is longer than this many usual intervals; default analytics.trading.market_data_gap_factor (5)", { type: "number", minimum: 2, maximum: 1000 }),
          query("limit", "most gaps listed, the longest first (all are counted); default analytics.query.default_limit", { type: "integer", minimum: 1 }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", "gap_factor", "symbols", "gaps"],
              properties: {
                start_time: time,
                end_time: time,
                symbol: { type: "string" },
                gap_factor: { type: "number" },
                symbols: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["symbol", "updates", "updates_per_second", "usual_interval_ms", "gaps", "longest_gap_ms", "spread_bps"],
                    properties: {
                      symbol: { type: "string" },
                      updates: { type: "integer", description: "updates in the range" },
                      updates_per_second: { type: "number", description: "updates / the range's length in seconds" },
                      usual_interval_ms: { ...nullableNumber, description: "median positive interval between consecutive updates ending in the range (within 1 %)" },
                      gaps: { type: "integer", description: "intervals ending in the range longer than gap_factor × usual_interval_ms" },
                      longest_gap_ms: { ...nullableNumber, description: "the longest of those gaps; null without one" },
                      spread_bps: {
                        type: "object",
                        required: ["p50", "p95"],
                        properties: { p50: nullableNumber, p95: nullableNumber },
                        description: "(ask − bid) / mid × 10,000 of the two-sided quotes, within 1 %",
                      },
                    },
                  },
                },
                gaps: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["symbol", "from", "to", "duration_ms"],
                    properties: { symbol: { type: "string" }, from: time, to: time, duration_ms: { type: "number" } },
                  },
                },
              },
            },
            "health per symbol, and the gaps, the longest first",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/sessions": {
      get: {
        tags: ["trading"],
        summary: "User sessions started in the range: how many, by how many users, duration, events per session, login to first order",
        description:
          "From user_sessions (one row per user_id and session_id, folded exactly once with the rollups) through the SQL function " +
          "session_figures(start_time, end_time), which Grafana and psql call too. A session belongs to the range its first event falls in. " +
          "duration = last event - first event; login_to_first_order = first order.placed - first login (user.login or user_login), " +
          "over the sessions with a login and an order at or after it. Percentiles are exact (percentile_cont); null without sessions.",
        parameters: RANGE,
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", "sessions", "users", "duration_s", "events_per_session", "login_to_first_order_s"],
              properties: {
                start_time: time,
                end_time: time,
                sessions: { type: "integer", description: "sessions started in the range" },
                users: { type: "integer", description: "distinct user ids among them" },
                duration_s: { type: "object", required: ["p50", "p95"], properties: { p50: nullableNumber, p95: nullableNumber } },
                events_per_session: { type: "object", required: ["avg", "p50", "p95"], properties: { avg: nullableNumber, p50: nullableNumber, p95: nullableNumber } },
                login_to_first_order_s: {
                  type: "object",
                  required: ["count", "p50", "p95"],
                  properties: { count: { type: "integer", description: "sessions with a login and an order.placed at or after it" }, p50: nullableNumber, p95: nullableNumber },
                },
              },
            },
            "session figures",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/execution": {
      get: {
        tags: ["trading"],
        summary: "Execution quality of the orders placed in the range: slippage against arrival, effective spread, implementation shortfall",
        description:
          "trading_execution_figures(start_time, end_time, by, symbol, strategy), see docs/trading.md \"Execution quality\". The arrival price is the mid of the " +
          "quote in force at placement (market.data.update), else the order's limit price; arrival_source counts which. Basis points are signed " +
          "by side (BUY +1, SELL -1, any case) so a positive value is a cost. Percentiles are the value at rank floor(q(n-1)), within 1 % (log bins).",
        parameters: [
          ...RANGE,
          query("symbol", "only this symbol's orders"),
          query("strategy", "only this strategy's orders"),
          query("by", "also break the figures down by symbol or strategy", { type: "string", enum: ["symbol", "strategy"] }),
        ],
        responses: {
          "200": json(
            {
              allOf: [
                ref("ExecutionFigures"),
                {
                  type: "object",
                  required: ["start_time", "end_time"],
                  properties: {
                    start_time: time,
                    end_time: time,
                    symbol: { type: "string" },
                    strategy: { type: "string" },
                    by: { type: "string", enum: ["symbol", "strategy"] },
                    breakdown: { type: "array", description: "one entry per value of by (null: orders without one)", items: ref("ExecutionFigures") },
                  },
                },
              ],
            },
            "the figures",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/orders/{order_id}": {
      get: {
        tags: ["trading"],
        summary: "One order's lifecycle row with its arrival price and slippage, and its fills with the quote in force at each",
        parameters: [path("order_id", "the order_id (or, for an order.placed without one, its event id)")],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["order_id", "status", "arrival_price", "arrival_source", "slippage_bps", "fills"],
              properties: {
                order_id: { type: "string" },
                symbol: { type: ["string", "null"] },
                side: { type: ["string", "null"] },
                strategy_id: { type: ["string", "null"] },
                order_type: { type: ["string", "null"] },
                status: { enum: ["open", "partially_filled", "filled", "canceled", "rejected"] },
                limit_price: nullableNumber,
                quantity: nullableNumber,
                filled_quantity: { type: "number" },
                fill_count: { type: "integer" },
                avg_fill_price: { ...nullableNumber, description: "VWAP of the fills" },
                placed_at: { type: ["string", "null"], format: "date-time" },
                first_fill_at: { type: ["string", "null"], format: "date-time" },
                last_fill_at: { type: ["string", "null"], format: "date-time" },
                filled_at: { type: ["string", "null"], format: "date-time" },
                canceled_at: { type: ["string", "null"], format: "date-time" },
                rejected_at: { type: ["string", "null"], format: "date-time" },
                arrival_price: { ...nullableNumber, description: "mid of the quote in force at placement, else the limit price; null when neither" },
                arrival_source: { enum: ["mid", "limit", null] },
                arrival_quote_at: { type: ["string", "null"], format: "date-time", description: "time of the quote whose mid is the arrival price" },
                end_mid: { ...nullableNumber, description: "mid in force when it was canceled or rejected" },
                slippage_bps: { ...nullableNumber, description: "side × (avg_fill_price − arrival_price) / arrival_price × 10,000; null without fills" },
                fills: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["event_id", "filled_at", "price", "quantity", "mid_at_fill", "effective_spread_bps"],
                    properties: {
                      event_id: { type: "string", format: "uuid" },
                      filled_at: time,
                      price: nullableNumber,
                      quantity: nullableNumber,
                      fee: nullableNumber,
                      mid_at_fill: { ...nullableNumber, description: "mid of the quote in force at the fill (its own symbol)" },
                      spread_at_fill_bps: { ...nullableNumber, description: "quoted spread in force at the fill" },
                      effective_spread_bps: { ...nullableNumber, description: "2 × side × (price − mid_at_fill) / mid_at_fill × 10,000" },
                    },
                  },
                },
              },
            },
            "the order",
          ),
          "404": errorResponse("no order with this id has been folded"),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/pnl": {
      get: {
        tags: ["trading"],
        summary: "Realized PnL of the positions closed in the range: total, breakdown by strategy and/or symbol, and a series",
        description:
          "SQL: trading_realized_pnl(start_time, end_time, by) and trading_realized_pnl_series (migration 0024), over the positions table " +
          "(one row per position_id). A position counts in the range its earliest position.closed falls in; its PnL is the close event's " +
          "realized_pnl, else (exit_price − entry_price) × quantity, + for LONG, − for SHORT. Series buckets are aligned to the epoch, " +
          "every bucket of the range, zeros where nothing closed.",
        parameters: [
          ...RANGE,
          { ...INTERVAL, description: "series bucket; default 1h (when kept)" },
          query("by", "breakdown: strategy, symbol or strategy_symbol (default)", { type: "string", enum: ["strategy", "symbol", "strategy_symbol"] }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", "interval", "by", "realized_pnl", "closed_positions", "breakdown", "series"],
              properties: {
                ...RANGE_VIEW,
                by: { type: "string" },
                realized_pnl: { type: "number", description: "sum over the positions closed in the range whose PnL is known" },
                closed_positions: { type: "integer", description: "positions closed in the range" },
                breakdown: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["strategy", "symbol", "realized_pnl", "closed_positions"],
                    properties: { strategy: { type: ["string", "null"] }, symbol: { type: ["string", "null"] }, realized_pnl: { type: "number" }, closed_positions: { type: "integer" } },
                  },
                },
                series: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["bucket_start", "realized_pnl", "closed_positions"],
                    properties: { bucket_start: time, realized_pnl: { type: "number" }, closed_positions: { type: "integer" } },
                  },
                },
              },
            },
            "realized PnL",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/trading/positions": {
      get: {
        tags: ["trading"],
        summary: "Positions open at a time, with unrealized PnL marked to the quote in force then, and exposure by symbol",
        description:
          "SQL: trading_open_positions(at) and trading_exposure(at, strategy) (migration 0024). Open at t: opened_at <= t and not closed by t " +
          "(closed_at null or > t). Mark = coalesce(price, mid) of quote_at(symbol, t); unrealized_pnl = sign × (mark − entry_price) × quantity, " +
          "null without a mark. Notionals are quantity × mark (entry_price when there is no mark).",
        parameters: [
          query("at", "RFC 3339; default now", { type: "string", format: "date-time" }),
          query("strategy", "one strategy id"),
          query("symbol", "one symbol"),
          query("limit", "positions listed, most recently opened first; 1..1000, default 100", { type: "integer", minimum: 1, maximum: 1000 }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["at", "open_positions", "unrealized_pnl", "exposure", "positions"],
              properties: {
                at: time,
                strategy: { type: "string" },
                symbol: { type: "string" },
                open_positions: { type: "integer", description: "all positions open at `at` (with the filters), not only those listed" },
                unrealized_pnl: { ...nullableNumber, description: "sum over the open positions that have a mark" },
                exposure: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["symbol", "net_quantity", "long_notional", "short_notional", "net_notional", "unrealized_pnl", "mark_price", "marked_at"],
                    properties: {
                      symbol: { type: ["string", "null"] },
                      net_quantity: { type: "number", description: "long quantity − short quantity" },
                      long_notional: { type: "number" },
                      short_notional: { type: "number", description: "positive" },
                      net_notional: { type: "number", description: "long_notional − short_notional" },
                      unrealized_pnl: nullableNumber,
                      mark_price: nullableNumber,
                      marked_at: { type: ["string", "null"], format: "date-time" },
                    },
                  },
                },
                positions: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["position_id", "symbol", "side", "strategy", "quantity", "entry_price", "opened_at", "mark_price", "unrealized_pnl"],
                    properties: {
                      position_id: { type: "string" },
                      symbol: { type: ["string", "null"] },
                      side: { type: ["string", "null"] },
                      strategy: { type: ["string", "null"] },
                      quantity: nullableNumber,
                      entry_price: nullableNumber,
                      opened_at: time,
                      mark_price: nullableNumber,
                      unrealized_pnl: nullableNumber,
                    },
                  },
                },
              },
            },
            "open positions",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/internal/ingestion-metrics": {
      get: {
        tags: ["operations"],
        summary: "What is arriving now (ingesters' counters in Redis) and how far aggregation has got",
        responses: {
          "200": json(
            {
              type: "object",
              required: ["timestamp", "live", "aggregation"],
              properties: {
                timestamp: time,
                live: {
                  oneOf: [
                    { type: "null" },
                    {
                      type: "object",
                      required: ["events_per_second", "events_last_minute", "events_last_minute_by_type"],
                      properties: { events_per_second: { type: "number" }, events_last_minute: { type: "integer" }, events_last_minute_by_type: { type: "object", additionalProperties: { type: "integer" } } },
                    },
                  ],
                },
                aggregation: {
                  type: "object",
                  required: ["events_aggregated", "cursor_updated_at", "late_events"],
                  properties: { events_aggregated: { type: "integer" }, cursor_updated_at: { type: ["string", "null"] }, late_events: { type: "integer" } },
                },
              },
            },
            "ingestion progress",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/internal/dead-letters": {
      get: {
        tags: ["operations"],
        summary: "Messages the ingesters dead-lettered per minute of receipt and by rejection reason (their counters in Redis; the current minute is still filling)",
        parameters: [query("minutes", "the last this many minutes, 1..1440; default 60", { type: "integer", minimum: 1, maximum: 1440 })],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["timestamp", "minutes", "dead_letters"],
              properties: {
                timestamp: time,
                minutes: { type: "integer" },
                dead_letters: {
                  description: "null while Redis is unavailable",
                  oneOf: [
                    { type: "null" },
                    {
                      type: "object",
                      required: ["total", "by_reason", "per_minute"],
                      properties: {
                        total: { type: "integer" },
                        by_reason: { type: "object", additionalProperties: { type: "integer" } },
                        per_minute: {
                          type: "array",
                          items: {
                            type: "object",
                            required: ["minute_start", "count", "by_reason"],
                            properties: { minute_start: time, count: { type: "integer" }, by_reason: { type: "object", additionalProperties: { type: "integer" } } },
                          },
                        },
                      },
                    },
                  ],
                },
              },
            },
            "dead letters",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/aggregation/set-aside": {
      get: {
        tags: ["operations"],
        summary: "Stored events the aggregator set aside instead of folding into rollups (a measure out of range or not finite, or a fold that failed on its own), oldest first",
        parameters: [
          query("start_time", "set aside at or after, RFC 3339; default end_time minus 7 days (span at most 366 days)", { type: "string", format: "date-time" }),
          query("end_time", "set aside before, RFC 3339; default now", { type: "string", format: "date-time" }),
          query("reason", "only this reason", { type: "string", enum: ["measure_not_finite", "measure_out_of_range", "fold_failed"] }),
          query("limit", "events per page, 1..1000; default 100", { type: "integer", minimum: 1, maximum: 1000 }),
          query("cursor", "next_cursor of the previous page"),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["start_time", "end_time", "count", "events", "next_cursor"],
              properties: {
                start_time: time,
                end_time: time,
                count: { type: "integer" },
                events: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["event_id", "event_time", "event_type", "reason", "detail", "set_aside_at"],
                    properties: {
                      event_id: { type: "string", format: "uuid" },
                      event_time: time,
                      event_type: { type: "string" },
                      reason: { type: "string", enum: ["measure_not_finite", "measure_out_of_range", "fold_failed"] },
                      detail: { type: "string" },
                      set_aside_at: time,
                    },
                  },
                },
                next_cursor: { type: ["string", "null"] },
              },
            },
            "set-aside events",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    "/api/v1/custom-events": {
      get: {
        tags: ["custom events"],
        summary: "The latest version of every custom event type (active only unless include_inactive=true)",
        parameters: [query("include_inactive", "true to list deactivated types too", { type: "string", enum: ["true", "false"] })],
        responses: {
          "200": json({ type: "object", required: ["definitions", "count"], properties: { definitions: { type: "array", items: ref("CustomEventDefinition") }, count: { type: "integer" } } }, "definitions"),
          ...COMMON_ERRORS,
        },
      },
      post: {
        tags: ["custom events"],
        summary: "Define a custom event type with a JSON Schema (enforced on ingest; ingesters reload without restart)",
        requestBody: { required: true, content: { "application/json": { schema: ref("CustomEventBody") } } },
        responses: { "201": json(ref("CustomEventDefinition"), "defined (version 1)"), ...COMMON_ERRORS, "409": errorResponse("the name is already defined") },
      },
    },
    "/api/v1/custom-events/{name}": {
      get: {
        tags: ["custom events"],
        summary: "The latest version of one custom event type and its version history",
        parameters: [path("name", "the event type")],
        responses: {
          "200": json(
            {
              allOf: [
                ref("CustomEventDefinition"),
                { type: "object", required: ["versions"], properties: { versions: { type: "array", items: { type: "object", required: ["version", "is_active", "created_at"], properties: { version: { type: "integer" }, is_active: { type: "boolean" }, created_at: time } } } } },
              ],
            },
            "the definition",
          ),
          ...COMMON_ERRORS,
          "404": errorResponse("never defined"),
        },
      },
      put: {
        tags: ["custom events"],
        summary: "Change a custom event type: a new version becomes the active one (old versions are kept)",
        parameters: [path("name", "the event type")],
        requestBody: { required: true, content: { "application/json": { schema: ref("CustomEventBody") } } },
        responses: { "200": json(ref("CustomEventDefinition"), "the new version"), ...COMMON_ERRORS, "404": errorResponse("never defined") },
      },
      delete: {
        tags: ["custom events"],
        summary: "Deactivate a custom event type (its versions are kept)",
        parameters: [path("name", "the event type")],
        responses: { "200": json(ref("CustomEventDefinition"), "the deactivated version"), ...COMMON_ERRORS, "404": errorResponse("unknown or already inactive") },
      },
    },
  },
  components: {
    securitySchemes: {
      ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "scopes: read (GET), write (POST events), admin (custom events changes)" },
      Bearer: { type: "http", scheme: "bearer", description: "the same API key as a bearer token" },
    },
    schemas: {
      Error: {
        type: "object",
        description: "Flat, as the B25 seed's clients read it: error is the message; code, field, request_id and any details sit beside it.",
        required: ["error", "code"],
        properties: {
          error: { type: "string", description: "what went wrong, for people" },
          code: { type: "string", description: "what went wrong, for programs (invalid_parameter, rate_limited, ...)" },
          field: { type: "string", description: "the parameter or body field at fault" },
          request_id: { type: "string" },
          retry_after: { type: "integer", description: "on 429: seconds until a request is admitted again (as Retry-After)" },
          fields: { type: "array", items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } } },
          fields_omitted: { type: "integer", description: "bad fields past the first 20 listed in fields" },
          event_ids: { type: "array", items: { type: "string" } },
        },
      },
      Event: {
        type: "object",
        required: ["id", "event_id", "event_type", "user_id", "session_id", "service", "properties", "timestamp", "created_at", "received_at", "source"],
        properties: {
          id: { type: "string", format: "uuid", description: "the event's id (the reference's name; the same as event_id)" },
          event_id: { type: "string", format: "uuid" },
          event_type: { type: "string" },
          user_id: { type: ["string", "null"] },
          session_id: { type: ["string", "null"] },
          service: { type: ["string", "null"], description: "the emitting service (NexusCore's service); null when none was named" },
          properties: { type: "object" },
          timestamp: time,
          created_at: { ...time, description: "when the event was stored (the reference's name; the same as received_at)" },
          received_at: time,
          source: {
            oneOf: [
              { type: "null" },
              { type: "object", required: ["topic", "partition", "offset"], properties: { topic: { type: "string" }, partition: { type: "integer" }, offset: { type: "string" } } },
            ],
          },
        },
      },
      IncomingEvent: {
        type: "object",
        required: ["event_type"],
        additionalProperties: false,
        description: "Our envelope, or NexusCore's {event_type, user_id, service, timestamp, data}: data is stored as properties; sending both is refused naming data.",
        not: { required: ["data", "properties"] },
        properties: {
          event_id: { type: "string", format: "uuid", description: "your id for idempotent retries; generated when absent" },
          event_type: { type: "string", pattern: "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$" },
          user_id: { type: ["string", "null"], maxLength: 256 },
          session_id: { type: ["string", "null"], maxLength: 256 },
          service: { type: ["string", "null"], maxLength: 256, description: "the emitting service (NexusCore's service)" },
          properties: { type: "object", description: "checked against the type's schema (built-in or custom)" },
          data: { type: "object", description: "NexusCore's name for properties, stored as properties" },
          timestamp: { type: "string", format: "date-time", description: "when it happened; receipt time when absent" },
        },
      },
      MetricFigures: {
        type: "object",
        required: ["count"],
        properties: {
          count: { type: "integer" },
          value: { ...nullableNumber, description: "trading.* metrics: the headline figure (the fill rate in percent, or the volume)" },
          sum: nullableNumber,
          avg: nullableNumber,
          min: nullableNumber,
          max: nullableNumber,
          p50: nullableNumber,
          p95: nullableNumber,
          p99: nullableNumber,
          open: nullableNumber,
          close: nullableNumber,
        },
      },
      MetricPoint: {
        allOf: [ref("MetricFigures"), { type: "object", required: ["bucket_start"], properties: { bucket_start: time, dimension_value: { type: "string" } } }],
      },
      DashboardMetrics: {
        type: "object",
        required: [
          "active_users",
          "events_per_second",
          "orders_placed",
          "orders_filled",
          "active_strategies",
          "total_volume",
          "average_latency",
          "error_rate",
          "custom_metrics",
          "last_updated",
        ],
        properties: {
          active_users: { type: "integer" },
          events_per_second: { type: "number" },
          orders_placed: { type: "integer", description: "orders placed today (UTC), one per order_id" },
          orders_filled: { type: "integer", description: "of those, fully filled (never more than orders_placed)" },
          order_fill_rate: { ...nullableNumber, description: "orders_filled / orders_placed × 100 (trading.order_fill_rate of today)" },
          active_strategies: { type: "integer" },
          total_volume: { type: "number" },
          average_latency: { type: "number", description: "mean order.filled latency_ms today; 0 without fills carrying it" },
          error_rate: { type: "number", description: "of the orders placed today, the share rejected (0..1); 0 with nothing placed" },
          custom_metrics: { type: "object", additionalProperties: { type: "integer" }, description: "events of each active custom event type in the window" },
          window_minutes: { type: "integer" },
          last_updated: time,
        },
      },
      ExecutionFigures: {
        type: "object",
        required: ["orders_measured", "arrival_source", "slippage_bps", "effective_spread_bps", "implementation_shortfall"],
        properties: {
          symbol: { type: ["string", "null"] },
          strategy: { type: ["string", "null"] },
          orders_measured: { type: "integer", description: "orders of the cohort with fills and an arrival price (buy or sell)" },
          arrival_source: {
            type: "object",
            required: ["mid", "limit"],
            description: "of the orders measured, how many had a mid at placement and how many fell back to the limit price",
            properties: { mid: { type: "integer" }, limit: { type: "integer" } },
          },
          slippage_bps: ref("ExecutionPercentiles"),
          effective_spread_bps: ref("ExecutionPercentiles"),
          implementation_shortfall: {
            type: "object",
            required: ["cost", "bps", "arrival_notional"],
            properties: {
              cost: { ...nullableNumber, description: "execution_cost + opportunity_cost + fees, in quote currency; positive is a cost" },
              bps: { ...nullableNumber, description: "cost / arrival_notional × 10,000" },
              arrival_notional: { ...nullableNumber, description: "Σ arrival price × ordered quantity" },
              execution_cost: { ...nullableNumber, description: "Σ side × (fill price − arrival) × fill quantity" },
              opportunity_cost: { ...nullableNumber, description: "Σ side × (mid at end − arrival) × unfilled quantity of canceled and rejected orders" },
              fees: { ...nullableNumber, description: "Σ fee of the fills" },
            },
          },
        },
      },
      ExecutionPercentiles: {
        type: "object",
        required: ["count", "p50", "p95", "p99", "volume_weighted"],
        properties: { count: { type: "integer" }, p50: nullableNumber, p95: nullableNumber, p99: nullableNumber, volume_weighted: nullableNumber },
      },
      StrategyPerformance: {
        type: "object",
        required: ["strategy", "signals", "orders", "fills", "orders_filled", "fill_rate", "filled_notional", "realized_pnl", "closed_positions"],
        properties: {
          strategy: { type: "string" },
          signals: { type: "integer" },
          orders: { type: "integer" },
          fills: { type: "integer", description: "fill events in the range" },
          orders_filled: { type: "integer", description: "orders of the strategy placed in the range that are fully filled" },
          fill_rate: { ...nullableNumber, description: "per order, in percent: fully filled / placed × 100 of the strategy's orders placed in the range" },
          filled_notional: { type: "number" },
          realized_pnl: { type: "number" },
          closed_positions: { type: "integer" },
        },
      },
      CustomEventBody: {
        type: "object",
        required: ["schema"],
        additionalProperties: false,
        properties: {
          name: { type: "string", description: "required on POST; on PUT it must match the path if given" },
          display_name: { type: ["string", "null"] },
          description: { type: ["string", "null"] },
          schema: {
            type: "object",
            description:
              "a JSON Schema for the event's properties, refused with 400 (field schema, saying why) unless it is synchronous (no $async), its patterns compile on RE2 (no backreferences or lookaround; they run in linear time) to at most 64 instructions per value, every $ref is a JSON pointer inside it and none loops back without descending into the event, at most 10,000 subschemas apply to one value with every $ref expanded, no other active type declares its $id, uniqueItems is bounded (maxItems <= 1000 or scalar items), it is at most 64 KiB and 32 levels deep, and ajv compiles it",
          },
          is_active: { type: "boolean" },
        },
      },
      CustomEventDefinition: {
        type: "object",
        required: ["name", "version", "display_name", "description", "schema", "is_active", "created_at"],
        properties: {
          name: { type: "string" },
          version: { type: "integer" },
          display_name: { type: ["string", "null"] },
          description: { type: ["string", "null"] },
          schema: { type: "object" },
          is_active: { type: "boolean" },
          created_at: time,
        },
      },
      HealthReport: {
        type: "object",
        required: ["status", "service", "timestamp", "checks"],
        properties: {
          status: { enum: ["healthy", "degraded", "unhealthy", "shutting_down"] },
          service: { type: "string", description: "analytics for the query-api (the seed's name)" },
          database: { enum: ["connected", "disconnected"], description: "the seed's field: the database check is up" },
          cache: { enum: ["connected", "disconnected"], description: "the seed's field: the Redis check is up" },
          timestamp: time,
          fatal: { type: "string", description: "on a 503 liveness answer: the component gone for good" },
          checks: {
            type: "object",
            additionalProperties: { type: "object", required: ["status", "latency_ms"], properties: { status: { enum: ["up", "down"] }, latency_ms: { type: "number" }, error: { type: "string" } } },
          },
        },
      },
    },
  },
} as const;
