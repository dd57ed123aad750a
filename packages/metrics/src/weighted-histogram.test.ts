import { Registry } from "prom-client";
import { WeightedHistogram } from "./weighted-histogram";

describe("WeightedHistogram", () => {
  it("exposes cumulative buckets, sum and count in the text format, with the registry's default labels", async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app: "ingester" });
    const histogram = new WeightedHistogram("event_processing_duration_seconds", "Per event", [0.01, 0.1], [registry]);
    histogram.observe(0.004, 3);
    histogram.observe(0.05);
    histogram.observe(7, 2);
    histogram.observe(Number.NaN, 5);
    expect(await registry.metrics()).toBe(
      [
        "# HELP event_processing_duration_seconds Per event",
        "# TYPE event_processing_duration_seconds histogram",
        'event_processing_duration_seconds_bucket{le="0.01",app="ingester"} 3',
        'event_processing_duration_seconds_bucket{le="0.1",app="ingester"} 4',
        'event_processing_duration_seconds_bucket{le="+Inf",app="ingester"} 6',
        'event_processing_duration_seconds_sum{app="ingester"} 14.062',
        'event_processing_duration_seconds_count{app="ingester"} 6',
        "",
      ].join("\n"),
    );
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('event_processing_duration_seconds_count{app="ingester"} 0');
  });
});
