import express from "express";
import { Registry } from "prom-client";
import request from "supertest";
import { type HealthCheck, HealthMonitor } from "../health";
import { opsRoutes } from "./ops.routes";

function appWith(checks: HealthCheck[]) {
  const app = express();
  app.use(opsRoutes({ health: new HealthMonitor("test", checks), registry: new Registry(), metricsPath: "/metrics" }));
  return app;
}

describe("ops routes", () => {
  it("keeps liveness at 200 while a dependency is down, and readiness at 503", async () => {
    const app = appWith([{ name: "database", critical: true, check: async () => Promise.reject(new Error("refused")) }]);
    // Deliberately unlike the seed (503): a restart does not bring the database back.
    const live = await request(app).get("/health");
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: "unhealthy", database: "disconnected", service: "test", timestamp: expect.any(String) });
    expect((await request(app).get("/ready")).status).toBe(503);
    expect((await request(app).get("/healthz")).body).toMatchObject({ database: "disconnected", checks: { database: { status: "down" } } });
  });

  it("fails liveness when a component is gone for good, naming it", async () => {
    const consumer: { crashed?: string } = {};
    const app = appWith([{ name: "kafka_consumer", critical: true, check: async () => undefined, fatal: () => consumer.crashed }]);
    expect((await request(app).get("/health")).status).toBe(200);
    consumer.crashed = "consumer stopped after a crash it does not restart from: boom";
    const answer = await request(app).get("/health");
    expect(answer.status).toBe(503);
    expect(answer.body.fatal).toBe(`kafka_consumer: ${consumer.crashed}`);
  });
});
