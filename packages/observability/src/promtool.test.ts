import { readdirSync } from "node:fs";
import path from "node:path";
import { promtool, promtoolAvailable } from "./promtool";
import { PROMETHEUS_DIR } from "./repo-paths";

// Prometheus' own checker, where it is installed; the parse-based tests beside this one run everywhere.
const withPromtool = promtoolAvailable() ? describe : describe.skip;

withPromtool("promtool", () => {
  const rules = readdirSync(path.join(PROMETHEUS_DIR, "rules")).map((file) => path.join("rules", file));
  const unitTests = readdirSync(path.join(PROMETHEUS_DIR, "tests")).map((file) => path.join("tests", file));

  it("accepts prometheus.yml and the rule files it loads", () => {
    const run = promtool(["check", "config", "prometheus.yml"], PROMETHEUS_DIR);
    expect(run).toMatchObject({ status: 0 });
    expect(run.output).toContain(`${rules.length} rule files found`);
  });

  it("accepts every rule", () => {
    expect(promtool(["check", "rules", ...rules], PROMETHEUS_DIR)).toMatchObject({ status: 0 });
  });

  it("fires each alert on the series its unit tests give, at the time and with the annotations they expect", () => {
    expect(unitTests.length).toBeGreaterThan(0);
    const run = promtool(["test", "rules", ...unitTests], PROMETHEUS_DIR);
    expect({ status: run.status, output: run.output }).toMatchObject({ status: 0 });
  });
});
