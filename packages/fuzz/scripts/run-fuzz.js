// `pnpm test:fuzz`: the full profile (10,000 cases unless FUZZ_RUNS says otherwise), its summary
// written to reports/fuzz.md and printed, ending with the RESULT line issue 7's report collects.
const { spawnSync } = require("node:child_process");
const { existsSync, readFileSync, rmSync } = require("node:fs");
const path = require("node:path");

const report = path.resolve(__dirname, "../../../reports/fuzz.md");
rmSync(report, { force: true });
const jest = require.resolve("jest/bin/jest");
const run = spawnSync(process.execPath, [jest, "--ci", "src/hostile-input.integration.test.ts"], {
  cwd: path.resolve(__dirname, ".."),
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "10000", FUZZ_REPORT: report },
});
if (existsSync(report)) {
  process.stdout.write(`\n${readFileSync(report, "utf8")}`);
} else {
  process.stdout.write(`RESULT ${JSON.stringify({ fuzz_cases: 0, fuzz_5xx: null, error: "the fuzz suite ended before writing its report" })}\n`);
}
process.exit(run.status ?? 1);
