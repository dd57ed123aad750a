import { spawnSync } from "node:child_process";
import path from "node:path";

// The built package in a process of its own (the unit cases are in unhandled-rejections.test.ts).
describe("handleUnhandledRejections", () => {
  it("keeps a real process running (Node's default would exit it) when a promise rejects with no handler", () => {
    const script = `
      const core = require(${JSON.stringify(path.resolve(__dirname, "../dist/index.js"))});
      const registry = core.createMetricsRegistry({ enabled: true, path: "/metrics", default_metrics: false }, "query-api");
      core.handleUnhandledRejections(core.createLogger({ level: "error", format: "json" }, "query-api"), registry);
      Promise.reject(new Error("validator promise rejected"));
      setTimeout(async () => console.log("still running; counted " + (await registry.getSingleMetric("analytics_unhandled_rejections_total").get()).values[0].value), 50);`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("still running; counted 1");
    expect(run.stdout).toContain("validator promise rejected");
  });
});
