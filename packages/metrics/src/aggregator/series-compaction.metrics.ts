import { Counter, type Registry } from "prom-client";

export type SeriesCompactionMetrics = ReturnType<typeof createSeriesCompactionMetrics>;

export function createSeriesCompactionMetrics(registry: Registry) {
  return {
    seriesBlocksWritten: new Counter({
      name: "analytics_series_blocks_written_total",
      help: "Settled days and hours of 1m/5m series written to metric_series_blocks (the stored shape of long series reads)",
      registers: [registry],
    }),
  };
}
