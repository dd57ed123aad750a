import { once } from "node:events";
import { type Request, type Response, Router } from "express";
import {
  errorMessage,
  type EventBatchHandler,
  type EventExportFilter,
  type EventExportOptions,
  formatDuration,
  type Logger,
} from "@trading-analytics/core";
import { ClientSlots } from "../domain/client-slots";
import { exportEncoder, exportFileName } from "../domain/event-export-format";
import { parseExportQuery } from "../domain/events-export-query";
import { clientSubject } from "../security/client-subject";
import { HttpError, invalidParameter } from "./http-error";

/** What the route needs of EventsExportReader. */
export interface EventsExporter {
  forEachBatch(filter: EventExportFilter, handle: EventBatchHandler, options?: EventExportOptions): Promise<number>;
}

export interface ExportRoutesDeps {
  exporter: EventsExporter;
  logger: Logger;
  /** Range when the request gives no start_time (as GET /api/v1/events), and the longest allowed. */
  ranges: { defaultRangeMs: number; maxRangeMs: number };
  /** Rows per database fetch. */
  batchSize?: number;
  /**
   * Bounds a whole export however slowly its client reads (analytics.query.export_timeout): the
   * statement's timeout, and the longest the route waits for the client; undefined keeps the pool's.
   */
  statementTimeoutMs?: number;
  /** A client that takes no bytes for this long is dropped, freeing its database connection. */
  stallTimeoutMs?: number;
  /** Exports one API key (or address) may run at once: each holds a database connection. */
  maxPerClient?: number;
  now?: () => Date;
}

const DEFAULT_STALL_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_PER_CLIENT = 2;
/** What a client refused for holding too many exports is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 10;

/** The client went away or stopped reading: nothing more can be sent. */
class ClientGone extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "ClientGone";
  }
}

/**
 * GET /api/v1/events/export?format=csv|ndjson: every event matching the filters of GET
 * /api/v1/events, oldest first, streamed from one database cursor. Memory stays at about one
 * batch whatever the size: the next batch is fetched only once the socket has taken the last.
 */
export function exportRoutes(deps: ExportRoutesDeps): Router {
  const { exporter, logger, ranges, batchSize, statementTimeoutMs, now = () => new Date() } = deps;
  const stallTimeoutMs = deps.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const slots = new ClientSlots(deps.maxPerClient ?? DEFAULT_MAX_PER_CLIENT);
  const router = Router();

  const parse = (req: Request) => {
    const parsed = parseExportQuery(req.query as Record<string, unknown>, now(), ranges);
    if (!parsed.ok) throw invalidParameter(parsed.field, parsed.message);
    return { filter: parsed.filter, format: parsed.format, encoder: exportEncoder(parsed.format) };
  };
  const setHeaders = (res: Response, { filter, encoder }: ReturnType<typeof parse>) => {
    res.status(200);
    res.setHeader("Content-Type", encoder.contentType);
    res.setHeader("Content-Disposition", `attachment; filename="${exportFileName(filter.start, filter.end, encoder.extension)}"`);
    res.setHeader("Cache-Control", "no-store");
  };

  // HEAD answers what GET would send before its body, without running the export.
  router.head("/api/v1/events/export", (req, res) => {
    setHeaders(res, parse(req));
    res.end();
  });

  router.get("/api/v1/events/export", async (req, res) => {
    const parsed = parse(req);
    const { filter, encoder } = parsed;
    const client = clientSubject(req, res);
    const release = slots.tryAcquire(client.id);
    if (!release) {
      throw new HttpError(
        429,
        "too_many_exports",
        `${client.description} already runs ${slots.heldBy(client.id)} exports (analytics.query.max_exports_per_client); retry when one has finished`,
        undefined,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }

    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort(new ClientGone("client disconnected"));
    };
    res.on("close", onClose);
    // Headers wait for the first batch, so a query that fails at once still gets a JSON error.
    const startBody = () => {
      if (res.headersSent) return;
      setHeaders(res, parsed);
      if (encoder.header) res.write(encoder.header);
    };
    // A client reading slowly but steadily is never "stalled": this ends its export all the same.
    const deadline = statementTimeoutMs ? AbortSignal.timeout(statementTimeoutMs) : undefined;
    try {
      const rows = await exporter.forEachBatch(
        filter,
        async (events) => {
          startBody();
          if (!res.write(encoder.encode(events))) await drained(res, gone.signal, stallTimeoutMs, deadline);
        },
        { batchSize, statementTimeoutMs, signal: gone.signal },
      );
      startBody();
      res.end();
      logger.debug("events exported", { format: parsed.format, rows });
    } catch (error) {
      if (gone.signal.aborted || error instanceof ClientGone) {
        logger.info("export ended early", { reason: (gone.signal.reason as Error | undefined)?.message ?? errorMessage(error) });
        res.destroy();
        return;
      }
      if (!res.headersSent) throw error;
      // Mid-body the status is sent: cutting the connection is the only way left to say it failed.
      logger.error("export failed mid-stream", { error: errorMessage(error), path: req.originalUrl });
      res.destroy();
    } finally {
      res.off("close", onClose);
      release();
    }
  });
  return router;
}

/**
 * Resolves once the socket wants more; rejects if the client leaves, takes nothing for
 * stallTimeoutMs, or the whole export's deadline passes.
 */
async function drained(res: Response, gone: AbortSignal, stallTimeoutMs: number, deadline: AbortSignal | undefined): Promise<void> {
  const stalled = AbortSignal.timeout(stallTimeoutMs);
  try {
    await once(res, "drain", { signal: AbortSignal.any(deadline ? [gone, stalled, deadline] : [gone, stalled]) });
  } catch (error) {
    if (gone.aborted) throw error;
    if (deadline?.aborted) throw new ClientGone("export ran past analytics.query.export_timeout");
    if (stalled.aborted) throw new ClientGone(`client took nothing for ${formatDuration(stallTimeoutMs)}`);
    throw error;
  }
}
