import { AsyncLocalStorage } from "node:async_hooks";
import winston from "winston";
import type { Config } from "./config";

export type Logger = winston.Logger;

/** Fields (request_id, trace_id, ...) that every log line written inside a context carries. */
const logContext = new AsyncLocalStorage<Record<string, string>>();

export function withLogContext<T>(fields: Record<string, string>, fn: () => T): T {
  const parent = logContext.getStore();
  return logContext.run(parent ? { ...parent, ...fields } : fields, fn);
}

const addContext = winston.format((info) => {
  const fields = logContext.getStore();
  return fields ? Object.assign(info, fields) : info;
});

type LoggingOptions = Pick<Config["logging"], "level" | "format"> & Partial<Pick<Config["logging"], "output" | "file_path">>;

/** A JSON (or console) logger named after the app, carrying the current request/trace ids; to stdout or to logging.file_path. */
export function createLogger(logging: LoggingOptions, service: string): Logger {
  const toFile = logging.output === "file";
  const { combine, timestamp, errors, json, colorize, printf } = winston.format;
  const format =
    logging.format === "json"
      ? combine(addContext(), errors({ stack: true }), timestamp(), json())
      : combine(
          addContext(),
          errors({ stack: true }),
          timestamp(),
          // Colours are escape codes: only for a terminal, not in a file.
          ...(toFile ? [] : [colorize()]),
          printf(({ level, message, timestamp: time, service: svc, ...rest }) => {
            const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
            return `${String(time)} ${level} [${String(svc)}] ${String(message)}${extra}`;
          }),
        );
  return winston.createLogger({
    level: logging.level,
    defaultMeta: { service },
    format,
    transports: [toFile ? new winston.transports.File({ filename: logging.file_path }) : new winston.transports.Console()],
  });
}
