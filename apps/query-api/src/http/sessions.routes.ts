import { Router } from "express";
import type { SessionFigures, SessionFiguresReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { QueryParams } from "../domain/query-params";
import { parameterNames } from "./contract/query-params";
import { sessionsRoute, type SessionsResponse } from "./contract/trading.contract";
import { sendCachedJson } from "./send-json";

export interface SessionsRoutesDeps {
  sessions: SessionFiguresReader;
  cache: QueryCache;
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/** User sessions started in a range (user_sessions, through session_figures()). */
export function sessionsRoutes(deps: SessionsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get("/api/v1/trading/sessions", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(sessionsRoute.query));
    const { from, to } = params.range(now(), DAY_MS);
    // A session started long ago can still get events: its figures change with any fold.
    const result = await deps.cache.json("sessions", { from, to }, "rollups", async () =>
      JSON.stringify(sessionsView(from, to, await deps.sessions.figures({ from, to }))),
    );
    sendCachedJson(res, result);
  });

  return router;
}

export function sessionsView(from: Date, to: Date, figures: SessionFigures): SessionsResponse {
  return {
    start_time: from.toISOString(),
    end_time: to.toISOString(),
    sessions: figures.sessions,
    users: figures.users,
    duration_s: figures.durationS,
    events_per_session: figures.eventsPerSession,
    login_to_first_order_s: figures.loginToFirstOrderS,
  };
}
