import { parseSampleLine, sumSamples } from "./prometheus-text";

const EXPOSITION = [
  "# HELP analytics_events_ingested_total Events stored",
  "# TYPE analytics_events_ingested_total counter",
  'analytics_events_ingested_total{topic="a",event_type="x",app="ingester"} 10',
  'analytics_events_ingested_total{topic="b",event_type="y",app="ingester"} 5',
  "# TYPE analytics_events_ingested_total_extra counter",
  "analytics_events_ingested_total_extra 99",
  'analytics_batch_duration_seconds_sum{app="ingester"} 1.5',
  "analytics_aggregation_lag_seconds 0.25",
].join("\n");

describe("sumSamples", () => {
  it("adds up every label set of one metric and nothing with a longer name", () => {
    expect(sumSamples(EXPOSITION, "analytics_events_ingested_total")).toBe(15);
    expect(sumSamples(EXPOSITION, "analytics_batch_duration_seconds_sum")).toBe(1.5);
    expect(sumSamples(EXPOSITION, "analytics_aggregation_lag_seconds")).toBe(0.25);
  });

  it("says 0 for a declared metric without samples and undefined for an unknown one", () => {
    expect(sumSamples("# TYPE analytics_dead_letters_total counter\n", "analytics_dead_letters_total")).toBe(0);
    expect(sumSamples(EXPOSITION, "analytics_nothing_total")).toBeUndefined();
  });

  it("skips values that are not finite (NaN, +Inf)", () => {
    expect(sumSamples('x{le="+Inf"} +Inf\nx{le="1"} 2\nx{a="b"} NaN', "x")).toBe(2);
  });
});

describe("parseSampleLine", () => {
  it("reads the name, the label block and the value, ignoring a timestamp", () => {
    expect(parseSampleLine('analytics_consumer_lag{topic="t",partition="0"} 3 1700000000000')).toEqual({
      name: "analytics_consumer_lag",
      labels: '{topic="t",partition="0"}',
      value: 3,
    });
    expect(parseSampleLine("analytics_up 1")).toEqual({ name: "analytics_up", labels: "", value: 1 });
    expect(parseSampleLine('h_bucket{le="+Inf"} +Inf')?.value).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleLine("g NaN")?.value).toBeNaN();
  });

  it("keeps label values holding spaces, braces and escaped quotes inside the label block", () => {
    expect(parseSampleLine('m{route="/a b/{id}",q="say \\"hi\\""} 7')).toEqual({ name: "m", labels: '{route="/a b/{id}",q="say \\"hi\\""}', value: 7 });
  });

  it("has nothing for comments, blank lines and unreadable lines", () => {
    expect(parseSampleLine("# TYPE m gauge")).toBeUndefined();
    expect(parseSampleLine("")).toBeUndefined();
    expect(parseSampleLine('m{a="unterminated} 1')).toBeUndefined();
    expect(parseSampleLine("m not-a-number")).toBeUndefined();
  });
});
