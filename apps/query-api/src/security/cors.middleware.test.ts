import express from "express";
import request from "supertest";
import { corsPolicy } from "./cors.middleware";
import { securityConfig } from "./security-test-app";

function appWith(cors: Record<string, unknown> = {}) {
  const app = express();
  app.use(corsPolicy(securityConfig({ cors }).cors));
  app.get("/api/v1/events", (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe("corsPolicy", () => {
  it("allows a listed origin and exposes the request id and rate-limit headers to it", async () => {
    const response = await request(appWith()).get("/api/v1/events").set("Origin", "http://localhost:3000").expect(200);
    expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(response.headers["vary"]).toMatch(/Origin/);
    expect(response.headers["access-control-expose-headers"]).toBe("X-Request-ID,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,Retry-After");
  });

  it("gives any other origin no Access-Control-Allow-Origin", async () => {
    const response = await request(appWith()).get("/api/v1/events").set("Origin", "https://evil.example").expect(200);
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers a preflight with the configured methods and headers", async () => {
    const response = await request(appWith())
      .options("/api/v1/events")
      .set("Origin", "http://localhost:3000")
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "X-API-Key")
      .expect(204);
    expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(response.headers["access-control-allow-methods"]).toBe("GET,POST,PUT,DELETE");
    expect(response.headers["access-control-allow-headers"]).toBe("Content-Type,Authorization,X-API-Key,X-Request-ID");
  });

  it("allows any origin when the list holds *", async () => {
    const response = await request(appWith({ allowed_origins: ["*"] })).get("/api/v1/events").set("Origin", "https://any.example").expect(200);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
  });

  it("sends a request without Origin on with only Vary: Origin, so a shared cache keeps the answers apart", async () => {
    for (const allowed_origins of [["http://localhost:3000"], ["*"]]) {
      const response = await request(appWith({ allowed_origins })).get("/api/v1/events").expect(200);
      expect(Object.keys(response.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect(response.headers["vary"]).toBe("Origin");
    }
  });

  it("sends no CORS headers at all when disabled", async () => {
    const response = await request(appWith({ enabled: false })).get("/api/v1/events").set("Origin", "http://localhost:3000").expect(200);
    expect(Object.keys(response.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });
});
