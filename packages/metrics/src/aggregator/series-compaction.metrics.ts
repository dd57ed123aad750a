import { Counter, type Registry } from "prom-client";

export type SeriesCompactionMetrics = ReturnType<typeof createSeriesCompactionMetrics>;

export function createSeriesCompactionMetrics(registry: Registry) {
  const metrics = {
    seriesBlocksWritten: new Counter({
      name: "analytics_series_blocks_written_total",
      help: "Settled days and hours of 1m/5m series written to metric_series_blocks (the stored shape of long series reads)",
      registers: [registry],
    }),
    passes: new Counter({
      name: "analytics_series_compaction_passes_total",
      help: "Series compaction passes by outcome (done, failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
  for (const outcome of ["done", "failed"]) metrics.passes.inc({ outcome }, 0);
  return metrics;
}
