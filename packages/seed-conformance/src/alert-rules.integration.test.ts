import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { FIXTURES, REPO_ROOT } from "./harness/seed-stack";

interface Rule {
  alert?: string;
  expr: string;
}

const SHIPPED_RULES = path.join(REPO_ROOT, "infra/prometheus/rules");
const havePromtool = spawnSync("promtool", ["--version"]).status === 0;
// infra/test.sh installs promtool (Debian's prometheus package); without it these cases cannot run.
const withPromtool = havePromtool ? it : it.skip;

function rulesOf(file: string): Rule[] {
  const doc = parse(readFileSync(file, "utf8")) as { groups: Array<{ rules: Rule[] }> };
  return doc.groups.flatMap((group) => group.rules);
}

function shippedAlert(name: string): Rule | undefined {
  for (const file of readdirSync(SHIPPED_RULES).filter((entry) => entry.endsWith(".yml") || entry.endsWith(".yaml"))) {
    const found = rulesOf(path.join(SHIPPED_RULES, file)).find((rule) => rule.alert === name);
    if (found) return found;
  }
  return undefined;
}

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * How many series an alert expression selects at 15m, evaluated by promtool on series named as
 * our apps export them (`app` label and all): count() makes the answer independent of labels.
 */
function firingSeries(expr: string, series: Array<{ series: string; values: string }>): number {
  const dir = mkdtempSync(path.join(tmpdir(), "seeds-promtool-"));
  writeFileSync(path.join(dir, "empty.rules.yml"), "groups: []\n");
  const test = {
    rule_files: ["empty.rules.yml"],
    evaluation_interval: "1m",
    tests: [{ interval: "1m", input_series: series, promql_expr_test: [{ expr: `count(${expr}) or vector(0)`, eval_time: "15m", exp_samples: [{ labels: "{}", value: 0 }] }] }],
  };
  writeFileSync(path.join(dir, "probe.test.yml"), stringify(test));
  const run = promtool(["test", "rules", "probe.test.yml"], dir);
  if (run.status === 0) return 0;
  // promtool prints the sample it got: `got: {} 1E+00`.
  const got = /got:\s*\{\}\s+([0-9.eE+-]+)/.exec(run.output);
  if (!got) throw new Error(`promtool did not evaluate ${expr}:\n${run.output}`);
  return Number(got[1]);
}

// Our metrics as the apps export them, in a failing, slow and cache-cold minute.
const FAILING = [{ series: 'analytics_events_failed_total{app="ingester",reason="invalid_json"}', values: "0+12000x20" }];
const SLOW = ["0.1", "0.5", "1", "2.5", "5", "+Inf"].map((le) => ({
  series: `analytics_query_duration_seconds_bucket{app="query-api",le="${le}"}`,
  values: ["0.1", "0.5", "1"].includes(le) ? "0+1x20" : "0+100x20",
}));
const COLD = [
  { series: 'analytics_cache_hits_total{app="query-api"}', values: "0+10x20" },
  { series: 'analytics_cache_misses_total{app="query-api"}', values: "0+90x20" },
];

describe("seed alert rules (002 Recommendations 20, 003 Monitoring Recommendations)", () => {
  withPromtool.each(["002-alerts.rules.yml", "003-alerts.rules.yml"])("%s, verbatim, passes promtool check rules", (file) => {
    const run = promtool(["check", "rules", path.join(FIXTURES, "b25", file)], REPO_ROOT);
    expect(run.output).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  it.each(["HighEventFailureRate", "HighQueryLatency", "LowCacheHitRate"])("%s is shipped in infra/prometheus/rules (B-A1..B-A3)", (name) => {
    expect(shippedAlert(name)).toBeDefined();
  });

  withPromtool("the shipped rule files pass promtool check rules", () => {
    const files = readdirSync(SHIPPED_RULES).filter((entry) => entry.endsWith(".yml"));
    const run = promtool(["check", "rules", ...files], SHIPPED_RULES);
    expect(run.status).toBe(0);
  });

  withPromtool("HighEventFailureRate and LowCacheHitRate, as the seed wrote them, fire on our metrics (B-A1, B-A3)", () => {
    const seed = rulesOf(path.join(FIXTURES, "b25/003-alerts.rules.yml"));
    expect(firingSeries(seed.find((rule) => rule.alert === "HighEventFailureRate")!.expr, FAILING)).toBe(1);
    expect(firingSeries(seed.find((rule) => rule.alert === "LowCacheHitRate")!.expr, COLD)).toBe(1);
  });

  withPromtool("HighQueryLatency as the seed wrote it never fires on a histogram; the shipped one does (B-A2)", () => {
    const seed = rulesOf(path.join(FIXTURES, "b25/003-alerts.rules.yml")).find((rule) => rule.alert === "HighQueryLatency")!;
    expect(firingSeries(seed.expr, SLOW)).toBe(0);
    expect(firingSeries(shippedAlert("HighQueryLatency")!.expr, SLOW)).toBe(1);
  });

  withPromtool("the shipped seed alerts stay quiet on healthy traffic (B-A1..B-A3)", () => {
    const healthy = [
      { series: 'analytics_events_failed_total{app="ingester",reason="invalid_json"}', values: "0+1x20" },
      ...["0.1", "0.5", "1", "2.5", "5", "+Inf"].map((le) => ({ series: `analytics_query_duration_seconds_bucket{app="query-api",le="${le}"}`, values: "0+100x20" })),
      { series: 'analytics_cache_hits_total{app="query-api"}', values: "0+90x20" },
      { series: 'analytics_cache_misses_total{app="query-api"}', values: "0+10x20" },
    ];
    for (const name of ["HighEventFailureRate", "HighQueryLatency", "LowCacheHitRate"]) {
      expect([name, firingSeries(shippedAlert(name)!.expr, healthy)]).toEqual([name, 0]);
    }
  });
});
