import express from "express";
import { Registry } from "prom-client";
import request from "supertest";
import { createLogger, type Logger } from "@trading-analytics/core";
import { createHttpMetrics } from "@trading-analytics/metrics";
import { requestContext } from "./request-context.middleware";

function capture(level: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const logger = createLogger({ level: level as "info", format: "json" }, "query-api");
  const lines: Record<string, unknown>[] = [];
  logger.on("data", (info: Record<symbol, string>) => lines.push(JSON.parse(info[Symbol.for("message")]!) as Record<string, unknown>));
  for (const transport of logger.transports) transport.silent = true;
  return { logger, lines };
}

function appLoggingTo(logger: Logger) {
  const app = express();
  app.use(requestContext(logger, createHttpMetrics(new Registry())));
  app.get("/api/v1/events", (_req, res) => res.json({ events: [] }));
  return app;
}

describe("requestContext", () => {
  it("logs every request at info, the default level, with the seed's fields and without the query string", async () => {
    const { logger, lines } = capture("info");
    await request(appLoggingTo(logger)).get("/api/v1/events?api_key=secret").set("X-Request-ID", "req-1").expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((each) => each.message === "HTTP request");
    expect(line).toMatchObject({ level: "info", request_id: "req-1", method: "GET", path: "/api/v1/events", status: 200, latency: expect.any(Number) });
    expect(line!.latency as number).toBeLessThan(5);
    expect(JSON.stringify(lines)).not.toContain("secret");
  });

  it("writes nothing at warn", async () => {
    const { logger, lines } = capture("warn");
    await request(appLoggingTo(logger)).get("/api/v1/events").expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([]);
  });
});
