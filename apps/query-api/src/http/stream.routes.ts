import { Router } from "express";
import { ClientSlots } from "../domain/client-slots";
import { parseStreamQuery } from "../domain/event-stream-query";
import type { LiveEventsPoller } from "../live/live-events.poller";
import { SseConnection } from "../live/sse-connection";
import { clientSubject } from "../security/client-subject";
import { HttpError, invalidParameter } from "./http-error";

export interface StreamRoutesDeps {
  live: Pick<LiveEventsPoller, "subscribe" | "isClosed" | "subscriberCount">;
  /** Streams this process serves at once (analytics.query.max_streams); with maxBufferedBytes it bounds what they can hold. */
  maxClients?: number;
  /** Streams one API key (or address) may hold at once in this process (analytics.query.max_streams_per_client). */
  maxPerClient?: number;
  heartbeatMs?: number;
  /** Unsent bytes one client may hold before it is dropped with `event: overflow`. */
  maxBufferedBytes?: number;
}

const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
const DEFAULT_MAX_CLIENTS = 1000;
const DEFAULT_MAX_PER_CLIENT = 20;
/** What a client refused for holding too many streams is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 10;

/**
 * GET /api/v1/events/stream: Server-Sent Events of events as they are stored, optionally only
 * some types (event_type=a,b) or one user. A `: ready` comment says from when nothing is missed:
 * every event whose transaction commits after it is sent.
 */
export function streamRoutes(deps: StreamRoutesDeps): Router {
  const { live, heartbeatMs = DEFAULT_HEARTBEAT_MS, maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES, maxClients = DEFAULT_MAX_CLIENTS } = deps;
  const slots = new ClientSlots(deps.maxPerClient ?? DEFAULT_MAX_PER_CLIENT);
  const router = Router();

  router.get("/api/v1/events/stream", (req, res) => {
    const parsed = parseStreamQuery(req.query as Record<string, unknown>);
    if (!parsed.ok) throw invalidParameter(parsed.field, parsed.message);
    if (live.isClosed) throw new HttpError(503, "shutting_down", "the server is shutting down");
    if (live.subscriberCount >= maxClients) {
      throw new HttpError(503, "too_many_streams", `this server already serves ${maxClients} streams (analytics.query.max_streams)`, undefined, undefined, BUSY_RETRY_AFTER_SECONDS);
    }
    const client = clientSubject(req, res);
    const release = slots.tryAcquire(client.id);
    if (!release) {
      throw new HttpError(
        429,
        "too_many_streams",
        `${client.description} already holds ${slots.heldBy(client.id)} streams (analytics.query.max_streams_per_client); close one first`,
        undefined,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    res.once("close", release);

    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Connection", "keep-alive");
    // nginx would otherwise buffer the stream and deliver events in bursts.
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();

    let unsubscribe = () => {};
    const connection = new SseConnection(res, { heartbeatMs, maxBufferedBytes, onOverflow: () => unsubscribe() });
    const subscription = live.subscribe({
      filter: parsed.filter,
      deliver: (event, json) => connection.event("event", event.eventId, json),
      close: () => connection.end(),
    });
    unsubscribe = subscription.unsubscribe;
    res.on("close", () => {
      subscription.unsubscribe();
      connection.dispose();
    });
    void subscription.ready.then(() => connection.comment("ready"));
  });
  return router;
}
