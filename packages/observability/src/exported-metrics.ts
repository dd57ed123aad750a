import { createMetricsRegistry } from "@trading-analytics/core";
import { registerAggregatorMetrics, registerIngesterMetrics, registerQueryApiMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";

export type AppName = "ingester" | "aggregator" | "query-api";

export type MetricKind = "counter" | "gauge" | "histogram" | "summary";

export interface ExportedMetric {
  /** The name as registered (a histogram's base name). */
  name: string;
  type: MetricKind;
  help: string;
  /** The metric's own labels; every series also carries app (the registry's default), job and instance. */
  labels: string[];
  apps: AppName[];
}

/** Each app's registry as its main.ts builds it: core's, with Node's default metrics, then the app's list in @trading-analytics/metrics. */
const REGISTRIES: Record<AppName, (registry: Registry) => void> = {
  ingester: registerIngesterMetrics,
  aggregator: registerAggregatorMetrics,
  "query-api": registerQueryApiMetrics,
};

/** Every metric the three apps register, by name, with the apps that export it. */
export function exportedMetrics(): Map<string, ExportedMetric> {
  const metrics = new Map<string, ExportedMetric>();
  for (const [app, register] of Object.entries(REGISTRIES) as [AppName, (registry: Registry) => void][]) {
    const registry = createMetricsRegistry({ enabled: true, path: "/metrics", default_metrics: true }, app);
    register(registry);
    for (const metric of registry.getMetricsAsArray()) {
      const { name, help } = metric;
      // prom-client's types declare a numeric enum; at run time the type is its name.
      const type = String(metric.type) as MetricKind;
      const known = metrics.get(name);
      if (known) known.apps.push(app);
      else metrics.set(name, { name, type, help, labels: labelNamesOf(metric), apps: [app] });
    }
    registry.clear();
  }
  return metrics;
}

// prom-client keeps the configured label names on every metric but leaves them out of its types.
function labelNamesOf(metric: object): string[] {
  const { labelNames } = metric as { labelNames?: readonly string[] };
  return [...(labelNames ?? [])];
}

/** The series names Prometheus stores for a metric: a histogram is _bucket, _sum and _count. */
export function seriesNames(metric: Pick<ExportedMetric, "name" | "type">): string[] {
  switch (metric.type) {
    case "histogram":
      return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
    case "summary":
      return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
    default:
      return [metric.name];
  }
}
