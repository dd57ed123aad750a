import path from "node:path";
import { exportedMetrics } from "./exported-metrics";
import { referenceProblems, seriesCatalog } from "./metric-references";
import { loadRules } from "./prometheus-rules";
import { PROMETHEUS_DIR } from "./repo-paths";

const rules = loadRules(path.join(PROMETHEUS_DIR, "rules"));
const alerts = rules.filter((rule) => rule.kind === "alert");
const catalog = seriesCatalog(exportedMetrics().values());

describe("Prometheus alert rules", () => {
  it("cover what operators must hear about", () => {
    expect(alerts.map((alert) => alert.name)).toEqual(
      expect.arrayContaining([
        "AnalyticsIngestionStalled",
        "AnalyticsConsumerLagHigh",
        "AnalyticsDeadLettersRising",
        "AnalyticsIngestFailureRateHigh",
        "AnalyticsAggregationLagHigh",
        "AnalyticsApiLatencyP95High",
        "AnalyticsCacheHitRatioLow",
        "AnalyticsIngesterDown",
        "AnalyticsAggregatorDown",
        "AnalyticsQueryApiDown",
        // The B25 seed's own (002, 003), under their names.
        "HighEventFailureRate",
        "HighQueryLatency",
        "LowCacheHitRate",
      ]),
    );
    expect(new Set(alerts.map((alert) => alert.name)).size).toBe(alerts.length);
  });

  it.each(rules.map((rule) => [`${rule.file} ${rule.name}`, rule] as const))("%s uses only metrics and labels the apps export", (_name, rule) => {
    expect(referenceProblems(rule.expr, catalog)).toEqual([]);
  });

  it.each(alerts.map((alert) => [alert.name, alert] as const))("%s waits, says how bad it is, and what to do", (_name, alert) => {
    expect(alert.for).toMatch(/^\d+[smh]$/);
    expect(["warning", "critical"]).toContain(alert.labels.severity);
    expect(alert.annotations.summary).toBeTruthy();
    expect(alert.annotations.description).toContain("$value");
    expect(alert.annotations.runbook).toBeTruthy();
  });
});
