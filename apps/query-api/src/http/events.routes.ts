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
 * GET /api/v1/events: stored events, newest first, keyset-paginated. Each event's JSON is built
 * by PostgreSQL (EventsRepository.findViews) and sent on as it is.
 */
export function eventsRoutes({ events, limits, now = () => new Date() }: EventsRoutesDeps): Router {
  const router = Router();
  router.get("/api/v1/events", async (req, res) => {
    const parsed = parseEventsQuery(req.query as Record<string, unknown>, now(), limits);
    if (!parsed.ok) throw invalidParameter(parsed.field, parsed.message);
    const { query } = parsed;
    // One extra row tells whether another page exists without a count query.
    const rows = await events.findViews({ ...query, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const rest = JSON.stringify({
      count: page.length,
      start_time: query.start.toISOString(),
      end_time: query.end.toISOString(),
      next_cursor: rows.length > query.limit && last ? encodeCursor({ timestamp: last.timestamp, eventId: last.eventId }) : null,
    });
    res.type("application/json").send(`{"events":[${page.map((row) => row.json).join(",")}],${rest.slice(1)}`);
  });
  return router;
}
