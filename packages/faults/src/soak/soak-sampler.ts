import { readFileSync } from "node:fs";
import { sumSamples } from "@trading-analytics/core";
import type { AppProcess } from "@trading-analytics/core/testing";
import type { SoakSample } from "./soak-verdicts";

/** VmRSS of a process in MB, from /proc; undefined when it is gone. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

async function scrape(app: AppProcess | undefined): Promise<string> {
  if (!app) return "";
  const response = await fetch(`http://127.0.0.1:${app.port}/metrics`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  return response?.ok ? response.text() : "";
}

export interface SampledApps {
  ingester: AppProcess | undefined;
  aggregator: AppProcess | undefined;
  queryApi: AppProcess | undefined;
}

const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));

/** One sample: each app's RSS and V8 heap, the ingester's stored count and consumer lag, the aggregator's lag and rollup state cache. */
export async function takeSample(apps: SampledApps, produced: number): Promise<SoakSample | undefined> {
  const [ingesterMetrics, aggregatorMetrics, queryApiMetrics] = await Promise.all([scrape(apps.ingester), scrape(apps.aggregator), scrape(apps.queryApi)]);
  const stored = sumSamples(ingesterMetrics, "analytics_events_ingested_total");
  if (stored === undefined) return undefined;
  const rss: Record<string, number> = {};
  const heap: Record<string, number> = {};
  const heapTotal: Record<string, number> = {};
  const heapAfterGc: Record<string, number> = {};
  const external: Record<string, number> = {};
  for (const [name, app, metrics] of [
    ["ingester", apps.ingester, ingesterMetrics],
    ["aggregator", apps.aggregator, aggregatorMetrics],
    ["query-api", apps.queryApi, queryApiMetrics],
  ] as const) {
    const value = rssMb(app?.child.pid);
    if (value !== undefined) rss[name] = Number(value.toFixed(1));
    for (const [into, metric] of [
      [heap, "analytics_nodejs_heap_size_used_bytes"],
      [heapTotal, "analytics_nodejs_heap_size_total_bytes"],
      [heapAfterGc, "analytics_nodejs_heap_used_after_gc_bytes"],
      [external, "analytics_nodejs_external_memory_bytes"],
    ] as const) {
      const bytes = sumSamples(metrics, metric);
      if (bytes) into[name] = mb(bytes); // the heap after GC is 0 until the first full collection
    }
  }
  const cacheRows = sumSamples(aggregatorMetrics, "analytics_rollup_state_cache_rows");
  const cacheBytes = sumSamples(aggregatorMetrics, "analytics_rollup_state_cache_bytes");
  return {
    at: Date.now(),
    rssMb: rss,
    heapUsedMb: heap,
    heapTotalMb: heapTotal,
    heapAfterGcMb: heapAfterGc,
    externalMb: external,
    rollupCache: cacheRows === undefined || cacheBytes === undefined ? undefined : { rows: cacheRows, mb: mb(cacheBytes) },
    produced,
    stored,
    consumerLag: sumSamples(ingesterMetrics, "analytics_consumer_lag"),
    aggregationLagS: sumSamples(aggregatorMetrics, "analytics_aggregation_lag_seconds"),
  };
}
