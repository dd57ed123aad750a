import { Router } from "express";
import { CustomEventDefinitionError, type CustomEventDefinitionsRepository, toCustomEventView } from "@trading-analytics/core";
import { parseCustomEventBody } from "../domain/custom-event-body";
import { listCustomEventsRoute } from "./contract/custom-events.contract";
import { parseParams } from "./contract/query-params";
import { HttpError } from "./http-error";

export interface CustomEventsRoutesDeps {
  definitions: CustomEventDefinitionsRepository;
  /** Tells ingesters to reload definitions; must not throw (their poll catches up anyway). */
  notifyChanged: () => Promise<void>;
}

const BASE = "/api/v1/custom-events";

/** POST/GET/PUT/DELETE /api/v1/custom-events[/:name]: versioned custom event types. */
export function customEventsRoutes({ definitions, notifyChanged }: CustomEventsRoutesDeps): Router {
  const router = Router();

  // The change is committed by now: a failed notification must not turn it into an error.
  const notify = () => notifyChanged().catch(() => undefined);

  router.post(BASE, async (req, res) => {
    const parsed = parseCustomEventBody(req.body);
    if (!parsed.ok) throw bodyError(parsed.error);
    const created = await definitions.create(parsed.body.name, parsed.body.definition).catch(toHttpError);
    await notify();
    res.status(201).json(toCustomEventView(created));
  });

  router.get(BASE, async (req, res) => {
    const includeInactive = parseParams(listCustomEventsRoute.query, req.query as Record<string, unknown>).include_inactive ?? false;
    const latest = await definitions.list({ activeOnly: !includeInactive });
    res.json({ definitions: latest.map(toCustomEventView), count: latest.length });
  });

  router.get(`${BASE}/:name`, async (req, res) => {
    const versions = await definitions.versions(req.params.name);
    const latest = versions[versions.length - 1];
    if (!latest) throw notDefined(req.params.name);
    res.json({
      ...toCustomEventView(latest),
      versions: versions.map((definition) => ({
        version: definition.version,
        is_active: definition.isActive,
        created_at: definition.createdAt.toISOString(),
      })),
    });
  });

  router.put(`${BASE}/:name`, async (req, res) => {
    const parsed = parseCustomEventBody(req.body, req.params.name);
    if (!parsed.ok) throw bodyError(parsed.error);
    const updated = await definitions.update(parsed.body.name, parsed.body.definition).catch(toHttpError);
    await notify();
    res.json(toCustomEventView(updated));
  });

  // 200 with the deactivated definition (not 204): the client sees which version it retired.
  router.delete(`${BASE}/:name`, async (req, res) => {
    const deactivated = await definitions.deactivate(req.params.name).catch(toHttpError);
    await notify();
    res.json(toCustomEventView(deactivated));
  });

  return router;
}

function bodyError({ field, message }: { field: string; message: string }): HttpError {
  return new HttpError(400, "invalid_parameter", message, field);
}

function notDefined(name: string): HttpError {
  return new HttpError(404, "not_found", `custom event type ${name} is not defined`);
}

function toHttpError(error: unknown): never {
  if (!(error instanceof CustomEventDefinitionError)) throw error;
  switch (error.reason) {
    case "already_exists":
      throw new HttpError(409, "already_exists", error.message, "name");
    case "not_found":
    case "not_active":
      throw new HttpError(404, "not_found", error.message);
    case "built_in":
      throw new HttpError(400, "invalid_parameter", `name: ${error.message}`, "name");
    case "schema_id_taken":
      throw new HttpError(400, "invalid_parameter", `schema: ${error.message}`, "schema");
  }
}
