import { Router } from "express";
import { SET_ASIDE_REASONS, SetAsideEventsRepository, type SetAsidePosition, type SetAsideReason, type Sql } from "@trading-analytics/core";
import { ParameterError, QueryParams } from "../domain/query-params";
import { parameterNames } from "./contract/query-params";
import { setAsideRoute, type SetAsidePage } from "./contract/operations.contract";

export interface SetAsideRoutesDeps {
  sql: Sql;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 7 * DAY_MS;
const MAX_SPAN_MS = 366 * DAY_MS;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
// PostgreSQL's text of a timestamptz (kept to the microsecond, so keyset pages neither skip nor repeat).
const PG_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeSetAsideCursor(position: SetAsidePosition): string {
  return Buffer.from(`${position.at}|${position.eventId}`, "utf8").toString("base64url");
}

export function decodeSetAsideCursor(text: string): SetAsidePosition | undefined {
  const [at, eventId, extra] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (extra !== undefined || !at || !eventId || !PG_TIME.test(at) || !UUID.test(eventId)) return undefined;
  return isRealTime(at) ? { at, eventId } : undefined;
}

/** The shape alone lets "2024-13-45 25:61:00+99" through, which PostgreSQL refuses with an error (a 500). */
function isRealTime(at: string): boolean {
  const [year, month, day, hour, minute, second] = [0, 5, 8, 11, 14, 17].map((start) => Number(at.slice(start, start + (start === 0 ? 4 : 2))));
  const offsetHours = Number(at.slice(at.search(/[+-]\d{2}(:\d{2})?$/) + 1).slice(0, 2));
  const date = new Date(Date.UTC(2000, month! - 1, day!));
  return (
    year! >= 1 && year! <= 9999 && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! &&
    !(month === 2 && day === 29 && !(year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0))) &&
    hour! < 24 && minute! < 60 && second! < 60 && offsetHours <= 15
  );
}

/**
 * GET /api/v1/aggregation/set-aside: stored events the aggregator set aside instead of folding
 * (set_aside_events), with their reason and detail, oldest first by when they were set aside.
 */
export function setAsideRoutes({ sql, now = () => new Date() }: SetAsideRoutesDeps): Router {
  const setAside = new SetAsideEventsRepository(sql);
  const router = Router();
  router.get("/api/v1/aggregation/set-aside", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(setAsideRoute.query));
    const { from, to } = params.range(now(), DEFAULT_SPAN_MS, MAX_SPAN_MS);
    const reason = params.text("reason", { maxLength: 64 });
    if (reason !== undefined && !(SET_ASIDE_REASONS as readonly string[]).includes(reason)) {
      throw new ParameterError("reason", `must be one of ${SET_ASIDE_REASONS.join(", ")}`);
    }
    const limit = params.integer("limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
    const cursorText = params.text("cursor", { maxLength: 200 });
    const after = cursorText === undefined ? undefined : decodeSetAsideCursor(cursorText);
    if (cursorText !== undefined && after === undefined) throw new ParameterError("cursor", "is not a cursor this route returned");

    const page = await setAside.list({ from, to, reason: reason as SetAsideReason | undefined, limit, after });
    res.json({
      start_time: from.toISOString(),
      end_time: to.toISOString(),
      count: page.events.length,
      events: page.events.map((event) => ({
        event_id: event.eventId,
        event_time: event.eventTime.toISOString(),
        event_type: event.eventType,
        reason: event.reason,
        detail: event.detail,
        set_aside_at: event.setAsideAt.toISOString(),
      })),
      next_cursor: page.next ? encodeSetAsideCursor(page.next) : null,
    } satisfies SetAsidePage);
  });
  return router;
}
