import { Router } from "express";
import type { EventsRepository } from "@trading-analytics/core";
import { encodeCursor } from "../domain/event-cursor";
import { type EventsQueryLimits, parseEventsQuery } from "../domain/events-query";
import { invalidParameter } from "./http-error";

export interface EventsRoutesDeps {
  events: EventsRepository;
  limits: EventsQueryLimits;
  now?: () => Date;
}

/**
 * GET /api/v1/events: stored events, newest first, keyset-paginated. The page's events come
 * from PostgreSQL as one JSON text (EventsRepository.findPage) and are sent on as they are.
 */
export function eventsRoutes({ events, limits, now = () => new Date() }: EventsRoutesDeps): Router {
  const router = Router();
  router.get("/api/v1/events", async (req, res) => {
    const parsed = parseEventsQuery(req.query as Record<string, unknown>, now(), limits);
    if (!parsed.ok) throw invalidParameter(parsed.field, parsed.message);
    const { query } = parsed;
    const page = await events.findPage(query);
    const rest = JSON.stringify({
      count: page.count,
      start_time: query.start.toISOString(),
      end_time: query.end.toISOString(),
      next_cursor: page.next ? encodeCursor(page.next) : null,
    });
    res.type("application/json").send(`{"events":[${page.eventsJson}],${rest.slice(1)}`);
  });
  return router;
}
