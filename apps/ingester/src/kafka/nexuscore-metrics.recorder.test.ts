import type { AnalyticsEvent } from "@trading-analytics/core";
import { createIngesterMetrics } from "@trading-analytics/metrics";
import { Registry } from "prom-client";
import type { DeadLetter } from "./dead-letter.producer";
import { recordNexusCoreMetrics } from "./nexuscore-metrics.recorder";

let offset = 0;
const event = (eventType: string, service?: string): AnalyticsEvent => ({
  eventId: `00000000-0000-4000-8000-${String(++offset).padStart(12, "0")}`,
  eventType,
  userId: "u1",
  sessionId: null,
  ...(service !== undefined && { service }),
  properties: {},
  timestamp: new Date("2025-10-03T12:00:00Z"),
  receivedAt: new Date("2025-10-03T12:00:01Z"),
  source: { topic: "user-events", partition: 0, offset: String(offset) },
});
const letter = (reason: DeadLetter["rejection"]["reason"], at: string, eventType?: string): DeadLetter => ({
  message: { key: null, value: null, timestamp: "0", source: { topic: "user-events", partition: 0, offset: at } },
  rejection: { reason, detail: "" },
  ...(eventType !== undefined && { eventType }),
});

async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  const points = metric.values as { labels: object; value: number; metricName?: string }[];
  return Object.fromEntries(points.map(({ labels, value, metricName }) => [`${metricName ?? name}${JSON.stringify(labels)}`, value]));
}

describe("recordNexusCoreMetrics", () => {
  it("counts processed events by type and service, stored ones, errors by type and reason, and a duration per event", async () => {
    const registry = new Registry();
    const metrics = createIngesterMetrics(registry).nexusCore;
    const conflicting = event("user_login", "auth-service");
    const events = [event("user_login", "auth-service"), event("user_login", "auth-service"), event("user_login"), event("profile_viewed", "profile-service"), conflicting];
    const letters = [letter("schema_violation", "90", "page.view"), letter("invalid_json", "91"), letter("duplicate_event_id", conflicting.source!.offset, "user_login")];
    recordNexusCoreMetrics(metrics, { events, letters, stored: { inserted: 3 }, seconds: 0.004 });

    expect(await values(registry, "events_processed_total")).toEqual({
      'events_processed_total{"event_type":"user_login","service":"auth-service"}': 2,
      'events_processed_total{"event_type":"user_login","service":""}': 1,
      'events_processed_total{"event_type":"profile_viewed","service":"profile-service"}': 1,
    });
    expect(await values(registry, "events_stored_total")).toEqual({ "events_stored_total{}": 3 });
    expect(await values(registry, "processing_errors_total")).toEqual({
      'processing_errors_total{"event_type":"page.view","reason":"schema_violation"}': 1,
      'processing_errors_total{"event_type":"unknown","reason":"invalid_json"}': 1,
      'processing_errors_total{"event_type":"user_login","reason":"duplicate_event_id"}': 1,
    });
    const duration = await values(registry, "event_processing_duration_seconds");
    expect(duration["event_processing_duration_seconds_count{}"]).toBe(4);
    expect(duration['event_processing_duration_seconds_bucket{"le":0.0025}']).toBe(0);
    expect(duration['event_processing_duration_seconds_bucket{"le":0.005}']).toBe(4);
  });
});
