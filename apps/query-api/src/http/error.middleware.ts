import type { ErrorRequestHandler, RequestHandler } from "express";
import { errorMessage, type Logger } from "@trading-analytics/core";
import { ParameterError } from "../domain/query-params";
import { errorBody, HttpError, invalidParameter } from "./http-error";

/** SQLSTATE query_canceled: what a statement_timeout raises. */
const QUERY_CANCELED = "57014";

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, "not_found", `no route for ${req.method} ${req.path}`));
}

/** Every error becomes flat JSON (`error` the message, code and request id beside it); unexpected ones are logged and not leaked. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, req, res, _next) => {
    const error = thrown instanceof ParameterError ? invalidParameter(thrown.field, thrown.message) : thrown;
    const requestId = res.locals.requestId as string | undefined;
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(error.retryAfterSeconds));
      res.status(error.status).json(errorBody(error, requestId));
      return;
    }
    // PostgreSQL cancelled the statement at its statement_timeout: the ask was too big, not a bug.
    if ((error as { code?: unknown }).code === QUERY_CANCELED) {
      logger.warn("query timed out", { path: req.path, error: errorMessage(error) });
      res.status(503).json({
        error: "the query ran past its time limit (analytics.query.timeout; for an export, export_timeout): narrow the range or the filters",
        code: "query_timeout",
        request_id: requestId,
      });
      return;
    }
    // body-parser's errors (bad JSON, too large) carry a status and a type.
    const parserError = error as { status?: number; type?: string; message?: string };
    if (typeof parserError.status === "number" && parserError.status >= 400 && parserError.status < 500) {
      const code = parserError.type === "entity.too.large" ? "payload_too_large" : "invalid_body";
      res.status(parserError.status).json({ error: parserError.message ?? code, code, field: "body", request_id: requestId });
      return;
    }
    logger.error("request failed", { error: errorMessage(error), stack: (error as Error).stack, path: req.path });
    res.status(500).json({ error: "internal error", code: "internal", request_id: requestId });
  };
}
