import { Counter, type Registry } from "prom-client";

export type SecurityMetrics = ReturnType<typeof createSecurityMetrics>;

export function createSecurityMetrics(registry: Registry) {
  return {
    authFailures: new Counter({
      name: "analytics_api_key_auth_failures_total",
      help: "Requests refused by API key checks: missing key (401), unknown or revoked key (401), scope too small (403)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "analytics_rate_limited_total",
      help: "Requests refused with 429, by what was limited: an API key or a client address",
      labelNames: ["subject"] as const,
      registers: [registry],
    }),
    rateLimitFallbacks: new Counter({
      name: "analytics_rate_limit_fallback_total",
      help: "Rate-limit decisions made by this process's own buckets because Redis was unavailable, failed or was slow",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
  };
}
