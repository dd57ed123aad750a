import { Router } from "express";
import { buildOpenApiDocument } from "./openapi-document";

/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 description, built from the route contracts (no key needed). */
export function openApiRoutes({ metricsPath }: { metricsPath?: string } = {}): Router {
  const router = Router();
  const body = JSON.stringify(buildOpenApiDocument({ metricsPath }));
  router.get("/api/v1/openapi.json", (_req, res) => {
    res.type("application/json").send(body);
  });
  return router;
}
