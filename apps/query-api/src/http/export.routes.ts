import { once } from "node:events";
import { type Response, Router } from "express";
import type { EventBatchHandler, EventExportFilter, EventExportOptions, Logger } from "@trading-analytics/core";
import { exportEncoder, exportFileName } from "../domain/event-export-format";
import { parseExportQuery } from "../domain/events-export-query";
import { invalidParameter } from "./http-error";

/** What the route needs of EventsExportReader. */
export interface EventsExporter {
  forEachBatch(filter: EventExportFilter, handle: EventBatchHandler, options?: EventExportOptions): Promise<number>;
}

export interface ExportRoutesDeps {
  exporter: EventsExporter;
  logger: Logger;
  /** Range when the request gives no start_time (as GET /api/v1/events). */
  defaultRangeMs: number;
  /** Rows per database fetch. */
  batchSize?: number;
  /** Bounds a whole export (see EventExportOptions.statementTimeoutMs); undefined keeps the pool's. */
  statementTimeoutMs?: number;
  /** A client that takes no bytes for this long is dropped, freeing its database connection. */
  stallTimeoutMs?: number;
  now?: () => Date;
}

const DEFAULT_STALL_TIMEOUT_MS = 60_000;

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
  const { exporter, logger, defaultRangeMs, batchSize, statementTimeoutMs, now = () => new Date() } = deps;
  const stallTimeoutMs = deps.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const router = Router();

  router.get("/api/v1/events/export", async (req, res) => {
    const parsed = parseExportQuery(req.query as Record<string, unknown>, now(), defaultRangeMs);
    if (!parsed.ok) throw invalidParameter(parsed.field, parsed.message);
    const { filter } = parsed;
    const encoder = exportEncoder(parsed.format);

    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort(new ClientGone("client disconnected"));
    };
    res.on("close", onClose);
    // Headers wait for the first batch, so a query that fails at once still gets a JSON error.
    const startBody = () => {
      if (res.headersSent) return;
      res.status(200);
      res.setHeader("Content-Type", encoder.contentType);
      res.setHeader("Content-Disposition", `attachment; filename="${exportFileName(filter.start, filter.end, encoder.extension)}"`);
      res.setHeader("Cache-Control", "no-store");
      if (encoder.header) res.write(encoder.header);
    };
    try {
      const rows = await exporter.forEachBatch(
        filter,
        async (events) => {
          startBody();
          if (!res.write(encoder.encode(events))) await drained(res, gone.signal, stallTimeoutMs);
        },
        { batchSize, statementTimeoutMs, signal: gone.signal },
      );
      startBody();
      res.end();
      logger.debug("events exported", { format: parsed.format, rows });
    } catch (error) {
      if (gone.signal.aborted || error instanceof ClientGone) {
        logger.info("export ended early", { reason: (gone.signal.reason as Error | undefined)?.message ?? (error as Error).message });
        res.destroy();
        return;
      }
      if (!res.headersSent) throw error;
      // Mid-body the status is sent: cutting the connection is the only way left to say it failed.
      logger.error("export failed mid-stream", { error: (error as Error).message, path: req.originalUrl });
      res.destroy();
    } finally {
      res.off("close", onClose);
    }
  });
  return router;
}

/** Resolves once the socket wants more; rejects if the client leaves or takes nothing for stallTimeoutMs. */
async function drained(res: Response, gone: AbortSignal, stallTimeoutMs: number): Promise<void> {
  const stalled = AbortSignal.timeout(stallTimeoutMs);
  try {
    await once(res, "drain", { signal: AbortSignal.any([gone, stalled]) });
  } catch (error) {
    if (stalled.aborted && !gone.aborted) throw new ClientGone(`client took nothing for ${stallTimeoutMs} ms`);
    throw error;
  }
}
