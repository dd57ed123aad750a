import { readdirSync } from "node:fs";
import path from "node:path";
import express from "express";
import request from "supertest";
import { DEFAULT_PUBLIC_PATHS, isPublicPath, publicPathSet } from "../security/route-scopes";
import { DASHBOARD_FILES, DASHBOARD_PUBLIC_PATHS, DASHBOARD_VENDOR_PATH, ECHARTS_BUNDLE } from "./dashboard-files";
import { dashboardPageRoutes } from "./dashboard-page.routes";

describe("dashboardPageRoutes", () => {
  const app = express().use(dashboardPageRoutes());

  it("lists exactly the files of apps/query-api/web, so each is public and nothing else there is", () => {
    expect(readdirSync(path.resolve(__dirname, "../../web")).sort()).toEqual([...DASHBOARD_FILES].sort());
    const publicPaths = publicPathSet(DEFAULT_PUBLIC_PATHS);
    for (const url of [...DASHBOARD_PUBLIC_PATHS, "/dashboard/"]) expect({ url, public: isPublicPath(url, publicPaths) }).toEqual({ url, public: true });
    expect(isPublicPath("/dashboard/vendor/echarts/echarts.js", publicPaths)).toBe(false);
    expect(isPublicPath("/dashboard-admin", publicPaths)).toBe(false);
  });

  it("redirects /dashboard to /dashboard/ so the page's relative URLs resolve", async () => {
    const res = await request(app).get("/dashboard");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/dashboard/");
  });

  it("serves the page with a policy that allows only its own scripts and this API", async () => {
    const res = await request(app).get("/dashboard/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.text).toContain('<script src="vendor/echarts/echarts.min.js" defer></script>');
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    for (const file of DASHBOARD_FILES) expect({ file, status: (await request(app).get(`/dashboard/${file}`)).status }).toEqual({ file, status: 200 });
    const module = await request(app).get("/dashboard/dashboard.js");
    expect(module.headers["content-type"]).toContain("javascript");
  });

  it("serves the ECharts bundle from node_modules (no CDN)", async () => {
    const res = await request(app).get(`${DASHBOARD_VENDOR_PATH}/${ECHARTS_BUNDLE}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("javascript");
    expect(res.text.length).toBeGreaterThan(500_000);
  });

  it("passes on what it does not have", async () => {
    const fallthrough = express()
      .use(dashboardPageRoutes())
      .use((_req, res) => {
        res.status(404).json({ error: "not found", code: "not_found" });
      });
    expect((await request(fallthrough).get("/dashboard/nope.js")).status).toBe(404);
    expect((await request(fallthrough).get("/dashboard/../package.json")).status).toBe(404);
  });
});
