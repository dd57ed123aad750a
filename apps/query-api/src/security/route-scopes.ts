import type { ApiKeyScope } from "@trading-analytics/core";
import { DASHBOARD_PUBLIC_PATHS } from "../web/dashboard-files";

// Which requests need which API key scope. Deny by default: every path needs a key unless it is
// one of the public ones, so a route added later is protected without anyone remembering to.

/**
 * Liveness, readiness, detailed health, Prometheus, the OpenAPI document and the web dashboard's
 * files (each by name, exact match like the rest; the page asks the API with the user's key): no key needed.
 */
export const DEFAULT_PUBLIC_PATHS: readonly string[] = ["/health", "/ready", "/healthz", "/metrics", "/api/v1/openapi.json", ...DASHBOARD_PUBLIC_PATHS];

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const WRITE_PATHS = new Set(["/api/v1/events", "/api/v1/events/batch"]);
/** Operator views (dead letters with their payloads, ingest internals): not for every reader. */
const ADMIN_PREFIX = "/api/v1/internal/";

/**
 * Express matches routes case-insensitively and with an optional trailing slash, so the
 * comparisons here do too: "/API/V1/Events/" must not slip past a check that "/api/v1/events" meets.
 */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase();
  const trimmed = lower.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

export function isPublicPath(path: string, publicPaths: ReadonlySet<string>): boolean {
  return publicPaths.has(normalizePath(path));
}

export function publicPathSet(paths: readonly string[]): ReadonlySet<string> {
  return new Set(paths.map(normalizePath));
}

/**
 * Reads need read, except /api/v1/internal/* (admin); posting events needs write; everything
 * else that changes something (custom event types, any other write) needs admin.
 */
export function requiredScope(method: string, path: string): ApiKeyScope {
  const verb = method.toUpperCase();
  const normalized = normalizePath(path);
  if (normalized.startsWith(ADMIN_PREFIX) || normalized === ADMIN_PREFIX.slice(0, -1)) return "admin";
  if (READ_METHODS.has(verb)) return "read";
  if (verb === "POST" && WRITE_PATHS.has(normalized)) return "write";
  return "admin";
}
