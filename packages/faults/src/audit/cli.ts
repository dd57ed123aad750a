#!/usr/bin/env node
// `pnpm test:audit`: `pnpm audit` over the whole workspace, judged by readAuditOutput. Exit 1
// on a high or critical advisory; exit 0 with a NOT RUN line when the registry's audit service
// cannot be reached, so a registry outage does not fail the suite but is never read as clean.
// --strict turns NOT RUN into exit 2 as well.
import { execFile } from "node:child_process";
import { describeVerdict, readAuditOutput } from "./dependency-audit";

const strict = process.argv.includes("--strict");
execFile("pnpm", ["audit", "--json"], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout) => {
  // pnpm exits non-zero both on findings and on registry errors; the JSON tells which.
  const verdict = readAuditOutput(stdout || (error ? `{"error":{"code":"spawn","message":${JSON.stringify(error.message)}}}` : ""));
  process.stdout.write(`${describeVerdict(verdict)}\n`);
  process.stdout.write(`RESULT ${JSON.stringify({ audit: verdict.kind, ...("counts" in verdict ? verdict.counts : {}) })}\n`);
  process.exitCode = verdict.kind === "findings" ? 1 : verdict.kind === "unavailable" && strict ? 2 : 0;
});
