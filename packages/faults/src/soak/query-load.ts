import type { QueryStats } from "./soak-verdicts";

const HOUR_MS = 3_600_000;

/** The read queries a dashboard makes, each with the time range it covers at the moment it is sent. */
export const SOAK_QUERIES: Array<{ endpoint: string; path: (now: number) => string }> = [
  {
    endpoint: "events query (order.filled, last 5 min, limit 100)",
    path: (now) => `/api/v1/events?${new URLSearchParams({ event_type: "order.filled", start_time: iso(now - 300_000), end_time: iso(now), limit: "100" })}`,
  },
  {
    endpoint: "metrics (events.count.market.tick, 1m, last hour)",
    path: (now) => `/api/v1/metrics?${new URLSearchParams({ metric_name: "events.count.market.tick", interval: "1m", start_time: iso(now - HOUR_MS), end_time: iso(now) })}`,
  },
  { endpoint: "dashboard", path: () => "/api/v1/dashboard/metrics" },
  {
    endpoint: "events stats (last hour)",
    path: (now) => `/api/v1/events/stats?${new URLSearchParams({ start_time: iso(now - HOUR_MS), end_time: iso(now) })}`,
  },
];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Read queries against the query-api at a steady total rate, round robin over SOAK_QUERIES,
 * each request on its own (a slow answer does not hold back the next one, up to a cap).
 */
export class QueryLoad {
  readonly stats: QueryStats[] = SOAK_QUERIES.map(({ endpoint }) => ({ endpoint, requests: 0, statuses: {}, latenciesMs: [] }));
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly ratePerSecond: number,
    private readonly maxInFlight = 32,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.fire(), 1000 / this.ratePerSecond);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private fire(): void {
    const index = this.next++ % SOAK_QUERIES.length;
    const stats = this.stats[index]!;
    stats.requests++;
    if (this.inFlight.size >= this.maxInFlight) {
      stats.statuses.skipped = (stats.statuses.skipped ?? 0) + 1;
      return;
    }
    const started = performance.now();
    const request = fetch(this.baseUrl + SOAK_QUERIES[index]!.path(Date.now()), { signal: AbortSignal.timeout(30_000) })
      .then(async (response) => {
        await response.arrayBuffer();
        stats.latenciesMs.push(performance.now() - started);
        stats.statuses[String(response.status)] = (stats.statuses[String(response.status)] ?? 0) + 1;
      })
      .catch(() => {
        stats.statuses.error = (stats.statuses.error ?? 0) + 1;
      })
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }
}
