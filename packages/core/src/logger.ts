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

/** A JSON (or console) logger named after the app, carrying the current request/trace ids. */
export function createLogger(logging: Config["logging"], service: string): Logger {
  const { combine, timestamp, errors, json, colorize, printf } = winston.format;
  const format =
    logging.format === "json"
      ? combine(addContext(), errors({ stack: true }), timestamp(), json())
      : combine(
          addContext(),
          errors({ stack: true }),
          timestamp(),
          colorize(),
          printf(({ level, message, timestamp: time, service: svc, ...rest }) => {
            const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
            return `${String(time)} ${level} [${String(svc)}] ${String(message)}${extra}`;
          }),
        );
  return winston.createLogger({
    level: logging.level,
    defaultMeta: { service },
    format,
    transports: [new winston.transports.Console()],
  });
}
