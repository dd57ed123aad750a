import path from "node:path";
import type { ServerResponse } from "node:http";
import express, { Router } from "express";
import { DASHBOARD_PATH, DASHBOARD_VENDOR_PATH } from "./dashboard-files";

/** apps/query-api/web, from src/web (tests) and dist/web (the built app) alike. */
const WEB_DIR = path.resolve(__dirname, "../../web");
const ECHARTS_DIST_DIR = path.dirname(require.resolve("echarts/dist/echarts.min.js"));

/**
 * The page draws with scripts and styles of its own origin only and talks to this API only;
 * ECharts sets element styles from script, hence 'unsafe-inline' for styles (not scripts).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

function securityHeaders(res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  // Revalidated on every load (ETag), so a new build shows at once.
  res.setHeader("Cache-Control", "no-cache");
}

/**
 * GET /dashboard/: the live web dashboard (static HTML, CSS and ES modules from
 * apps/query-api/web) and the ECharts browser bundle from node_modules, so the page needs no
 * CDN. Static middleware, not routes: the OpenAPI document describes the API only.
 */
export function dashboardPageRoutes(): Router {
  const router = Router();
  const options = { index: false, fallthrough: true, redirect: false, setHeaders: securityHeaders } as const;
  router.use(DASHBOARD_VENDOR_PATH, express.static(ECHARTS_DIST_DIR, options));
  router.use(DASHBOARD_PATH, express.static(WEB_DIR, { ...options, index: "index.html", redirect: true }));
  return router;
}
