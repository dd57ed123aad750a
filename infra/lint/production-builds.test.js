/* global describe, it, expect */
// What each app's production build compiles, asked of tsc itself (--listFilesOnly over its
// tsconfig.build.json) so that no stale dist/ can hide or invent anything: no bench, no
// testing/ helper (its own or a package's), no test and no test harness ships in an image.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const TSC = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
const APPS = ["ingester", "aggregator", "query-api"];

// Relative to the app's src/: benches, testing/ helpers, tests, and test apps built for supertest.
const NOT_SHIPPED = /(^|\/)(bench|testing)\/|\.test\.ts$|test-app\.ts$/;
// Any workspace's testing/ entry point (e.g. @trading-analytics/core/testing) pulled in by an import.
const WORKSPACE_TESTING = /^(apps|packages)\/[^/]+\/(src|dist)\/testing\//;

/** Every file tsc would compile for `project`: the app's own relative to its src/, others relative to the repository. */
function compiledFiles(app, project) {
  const dir = path.join(ROOT, "apps", app);
  const listed = execFileSync(process.execPath, [TSC, "-p", path.join(dir, project), "--listFilesOnly"], { cwd: dir, encoding: "utf8" });
  const files = listed.split("\n").filter(Boolean).map((file) => path.resolve(dir, file));
  const own = files.map((file) => path.relative(path.join(dir, "src"), file)).filter((file) => !file.startsWith(".."));
  const workspace = files.map((file) => path.relative(ROOT, file)).filter((file) => !file.startsWith("..") && !file.includes("node_modules/"));
  return { own, workspace };
}

describe("production builds", () => {
  const builds = Object.fromEntries(APPS.map((app) => [app, compiledFiles(app, "tsconfig.build.json")]));
  // The ingester's full project holds its harness and tests: proof that the listing would show them.
  const ingesterFull = compiledFiles("ingester", "tsconfig.json");

  it.each(APPS)("%s builds its entry point and none of its benches, testing/ helpers, tests or test harnesses", (app) => {
    expect(builds[app].own).toContain("main.ts");
    expect(builds[app].own.filter((file) => NOT_SHIPPED.test(file))).toEqual([]);
  });

  it.each(APPS)("%s's runtime imports no workspace's testing/ entry point", (app) => {
    expect(builds[app].workspace.filter((file) => WORKSPACE_TESTING.test(file))).toEqual([]);
  });

  it("sees a testing/ harness and tests where a project does compile them", () => {
    expect(ingesterFull.own).toContain("testing/ingester-harness.ts");
    expect(ingesterFull.own.some((file) => file.endsWith(".test.ts"))).toBe(true);
  });
});
