import { Router } from "express";
import type { Registry } from "prom-client";
import { HealthMonitor } from "../health";

export interface OpsRoutesDeps {
  health: HealthMonitor;
  registry: Registry;
  metricsPath: string;
}

/**
 * /health (liveness, with details), /ready (readiness), /healthz (the detailed report with each
 * dependency's latency; 503 when a critical one is down) and the Prometheus endpoint.
 */
export function opsRoutes({ health, registry, metricsPath }: OpsRoutesDeps): Router {
  const router = Router();
  router.get("/health", async (_req, res) => {
    const report = await health.report();
    // Liveness: the process answers and no part of it is gone for good (a consumer that crashed
    // without restarting: only a restart brings it back). Dependency trouble shows in the body.
    const fatal = health.fatalReason();
    res.status(fatal === undefined ? 200 : 503).json(fatal === undefined ? report : { ...report, fatal });
  });
  router.get("/ready", async (_req, res) => {
    const report = await health.report();
    res.status(HealthMonitor.isReady(report) ? 200 : 503).json(report);
  });
  router.get("/healthz", async (_req, res) => {
    const report = await health.report();
    res.status(HealthMonitor.isReady(report) ? 200 : 503).json(report);
  });
  router.get(metricsPath, async (_req, res) => {
    res.setHeader("Content-Type", registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
