import { PromqlSyntaxError, selectorsIn } from "./promql-selectors";

describe("selectorsIn", () => {
  it("finds metric names inside functions, aggregations and binary operators, not functions or grouping labels", () => {
    const expr = `histogram_quantile(0.95, sum by (le, route) (rate(analytics_http_request_duration_seconds_bucket{route!~".*/stream"}[5m])))
      > 0.5 and on() sum(rate(analytics_http_request_duration_seconds_count[5m])) > 0.1`;
    expect(selectorsIn(expr)).toEqual([
      { metric: "analytics_http_request_duration_seconds_bucket", labels: ["route"] },
      { metric: "analytics_http_request_duration_seconds_count", labels: [] },
    ]);
  });

  it("names every label a selector matches on", () => {
    expect(selectorsIn('up{job="ingester", instance=~"a.*"} == 0')).toEqual([{ metric: "up", labels: ["job", "instance"] }]);
  });

  it("reads a bare metric and one inside vector(0) fallbacks and offsets", () => {
    expect(selectorsIn("(sum(increase(a_total[5m] offset 1h)) or on() vector(0)) == 0 and b").map((s) => s.metric)).toEqual(["a_total", "b"]);
  });

  it("accepts Grafana's interval variables", () => {
    expect(selectorsIn("sum(rate(a_total[$__rate_interval])) + sum(increase(b_total[${__range}]))").map((s) => s.metric)).toEqual([
      "a_total",
      "b_total",
    ]);
  });

  it("refuses an expression that does not parse, and one whose metric is not a plain name", () => {
    expect(() => selectorsIn("sum(rate(a_total[5m])")).toThrow(PromqlSyntaxError);
    expect(() => selectorsIn("rate(a_total[$interval])")).toThrow(PromqlSyntaxError);
    expect(() => selectorsIn('{__name__="a_total"}')).toThrow(PromqlSyntaxError);
  });
});
