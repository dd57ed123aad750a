import { DEFAULT_PUBLIC_PATHS, isPublicPath, publicPathSet, requiredScope } from "./route-scopes";

describe("requiredScope", () => {
  it("needs read for reads, write for posting events, admin for every other change", () => {
    expect(requiredScope("GET", "/api/v1/events")).toBe("read");
    expect(requiredScope("HEAD", "/api/v1/metrics")).toBe("read");
    expect(requiredScope("GET", "/api/v1/custom-events")).toBe("read");
    expect(requiredScope("POST", "/api/v1/events")).toBe("write");
    expect(requiredScope("POST", "/api/v1/events/batch")).toBe("write");
    expect(requiredScope("POST", "/api/v1/custom-events")).toBe("admin");
    expect(requiredScope("PUT", "/api/v1/custom-events/fill")).toBe("admin");
    expect(requiredScope("DELETE", "/api/v1/custom-events/fill")).toBe("admin");
    expect(requiredScope("DELETE", "/api/v1/events")).toBe("admin");
    expect(requiredScope("PATCH", "/api/v1/events/batch")).toBe("admin");
    expect(requiredScope("POST", "/api/v1/events/export")).toBe("admin");
  });

  it("needs admin for the operator views under /api/v1/internal, whatever the method or spelling", () => {
    for (const path of ["/api/v1/internal/dead-letters", "/api/v1/internal/ingestion-metrics", "/API/V1/Internal/Dead-Letters/", "/api/v1/internal"]) {
      expect(requiredScope("GET", path)).toBe("admin");
      expect(requiredScope("HEAD", path)).toBe("admin");
    }
    expect(requiredScope("GET", "/api/v1/internals")).toBe("read");
  });

  it("matches paths as Express routes them: any case, optional trailing slash", () => {
    expect(requiredScope("post", "/API/V1/Events/")).toBe("write");
    expect(requiredScope("POST", "/api/v1/events/batch//")).toBe("write");
  });
});

describe("isPublicPath", () => {
  const publicPaths = publicPathSet(DEFAULT_PUBLIC_PATHS);

  it("lets health, readiness, metrics and the OpenAPI document through, in any case", () => {
    for (const path of ["/health", "/ready", "/healthz", "/metrics", "/api/v1/openapi.json", "/HEALTH/", "/Api/V1/OpenAPI.json"]) {
      expect(isPublicPath(path, publicPaths)).toBe(true);
    }
  });

  it("keeps every other path, and look-alikes of public ones, protected", () => {
    for (const path of ["/", "/api/v1/events", "/api/v1", "/health/x", "/healthy", "//health", "/api/v1/openapi.json.bak", "/unknown"]) {
      expect(isPublicPath(path, publicPaths)).toBe(false);
    }
  });
});
