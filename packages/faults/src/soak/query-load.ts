import type { QueryStats } from "./soak-verdicts";

const HOUR_MS = 3_600_000;

/**
 * The read queries a dashboard makes, each with the time range it covers when sent and its
 * share of the requests. Each costs the same at minute 10 as at minute 1: events/stats read
 * raw events, so their windows are fixed (stats counts every event in its range; over "the
 * last hour" its cost would grow with the run and swamp everything else, see the report).
 */
export const SOAK_QUERIES: Array<{ endpoint: string; weight: number; path: (now: number) => string }> = [
  {
    endpoint: "events query (order.filled, last 5 min, limit 100)",
    weight: 2,
    path: (now) => `/api/v1/events?${new URLSearchParams({ event_type: "order.filled", start_time: iso(now - 300_000), end_time: iso(now), limit: "100" })}`,
  },
  {
    endpoint: "metrics (events.count.market.tick, 1m, last hour)",
    weight: 2,
    path: (now) => `/api/v1/metrics?${new URLSearchParams({ metric_name: "events.count.market.tick", interval: "1m", start_time: iso(now - HOUR_MS), end_time: iso(now) })}`,
  },
  { endpoint: "dashboard", weight: 3, path: () => "/api/v1/dashboard/metrics" },
  {
    endpoint: "events stats (last minute)",
    weight: 1,
    path: (now) => `/api/v1/events/stats?${new URLSearchParams({ start_time: iso(now - 60_000), end_time: iso(now) })}`,
  },
];

/** Query indexes in the order they are sent: each as often as its weight, spread out. */
export function querySchedule(weights: readonly number[]): number[] {
  const schedule: number[] = [];
  for (let round = 0; round < Math.max(...weights); round++) weights.forEach((weight, index) => round < weight && schedule.push(index));
  return schedule;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Read queries against the query-api at a steady total rate, SOAK_QUERIES by their weights,
 * each request on its own (a slow answer does not hold back the next one, up to a cap).
 */
export class QueryLoad {
  readonly stats: QueryStats[] = SOAK_QUERIES.map(({ endpoint }) => ({ endpoint, requests: 0, statuses: {}, latenciesMs: [] }));
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;
  private readonly schedule = querySchedule(SOAK_QUERIES.map((query) => query.weight));

  constructor(
    /** Read at each request: a query-api restarted after a crash listens on another port. */
    private readonly baseUrl: () => string,
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
    const index = this.schedule[this.next++ % this.schedule.length]!;
    const stats = this.stats[index]!;
    stats.requests++;
    if (this.inFlight.size >= this.maxInFlight) {
      stats.statuses.skipped = (stats.statuses.skipped ?? 0) + 1;
      return;
    }
    const started = performance.now();
    const request = fetch(this.baseUrl() + SOAK_QUERIES[index]!.path(Date.now()), { signal: AbortSignal.timeout(30_000) })
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
