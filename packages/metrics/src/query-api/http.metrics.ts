import { Counter, Histogram, type Registry } from "prom-client";

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

export function createHttpMetrics(registry: Registry) {
  const requests = new Counter({
    name: "analytics_http_requests_total",
    help: "HTTP requests answered, by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "analytics_http_request_duration_seconds",
    help: "HTTP request latency, by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One labelled child per (method, route, status), found by a string key: prom-client would
  // otherwise sort and hash the label object on every request, twice.
  const series = new Map<string, { requests: Counter.Internal; duration: Histogram.Internal<"method" | "route" | "status"> }>();
  return {
    /** Counts one answered request and its latency. Routes are patterns, so the key space stays small. */
    record(method: string, route: string, status: number, seconds: number): void {
      const key = `${method} ${route} ${status}`;
      let children = series.get(key);
      if (!children) {
        const labels = { method, route, status: String(status) };
        children = { requests: requests.labels(labels), duration: duration.labels(labels) };
        series.set(key, children);
      }
      children.requests.inc();
      children.duration.observe(seconds);
    },
  };
}
