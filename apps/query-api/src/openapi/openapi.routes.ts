import { Router } from "express";
import { openApiDocument } from "./openapi-document";

/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 description (no key needed). */
export function openApiRoutes(): Router {
  const router = Router();
  const body = JSON.stringify(openApiDocument);
  router.get("/api/v1/openapi.json", (_req, res) => {
    res.type("application/json").send(body);
  });
  return router;
}
