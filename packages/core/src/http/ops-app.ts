import express, { type Express } from "express";
import { opsRoutes, type OpsRoutesDeps } from "./ops.routes";

/** The small HTTP app of the ingester and the aggregator: health, readiness, metrics. */
export function createOpsApp(deps: OpsRoutesDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(opsRoutes(deps));
  return app;
}
