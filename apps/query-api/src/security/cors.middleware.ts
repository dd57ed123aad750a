import cors from "cors";
import type { RequestHandler } from "express";

/** Response headers a browser script may read: the request id and the rate-limit state. */
const EXPOSED_HEADERS = ["X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"];

export interface CorsConfig {
  enabled: boolean;
  allowed_origins: string[];
  allowed_methods: string[];
  allowed_headers: string[];
}

/**
 * CORS for the configured origins only (an origin of "*" allows any); disabled: no CORS
 * headers at all. Placed before API key checks, so preflights (which carry no key) are
 * answered and errors still reach the allowed page readable.
 */
export function corsPolicy(config: CorsConfig): RequestHandler {
  if (!config.enabled) return (_req, _res, next) => next();
  const policy = cors({
    origin: config.allowed_origins.includes("*") ? "*" : config.allowed_origins,
    methods: config.allowed_methods,
    allowedHeaders: config.allowed_headers,
    exposedHeaders: EXPOSED_HEADERS,
    // Browsers may reuse a preflight answer this long (seconds).
    maxAge: 600,
  });
  // A request without Origin is not a cross-origin browser request: no CORS header means
  // anything to it. Vary still tells a shared cache that an answer with Origin may differ.
  return (req, res, next) => {
    if (req.headers.origin !== undefined) return policy(req, res, next);
    res.setHeader("Vary", "Origin");
    next();
  };
}
