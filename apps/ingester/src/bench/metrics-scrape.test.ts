import { sumSamples } from "./metrics-scrape";

const EXPOSITION = [
  "# HELP analytics_events_ingested_total Events stored",
  "# TYPE analytics_events_ingested_total counter",
  'analytics_events_ingested_total{topic="a",event_type="x",app="ingester"} 10',
  'analytics_events_ingested_total{topic="b",event_type="y",app="ingester"} 5',
  "# TYPE analytics_events_ingested_total_extra counter",
  "analytics_events_ingested_total_extra 99",
  'analytics_batch_duration_seconds_sum{app="ingester"} 1.5',
].join("\n");

describe("sumSamples", () => {
  it("adds up every label set of one metric and nothing with a longer name", () => {
    expect(sumSamples(EXPOSITION, "analytics_events_ingested_total")).toBe(15);
    expect(sumSamples(EXPOSITION, "analytics_batch_duration_seconds_sum")).toBe(1.5);
  });

  it("says 0 for a declared metric without samples and undefined for an unknown one", () => {
    expect(sumSamples("# TYPE analytics_dead_letters_total counter\n", "analytics_dead_letters_total")).toBe(0);
    expect(sumSamples(EXPOSITION, "analytics_nothing_total")).toBeUndefined();
  });
});
