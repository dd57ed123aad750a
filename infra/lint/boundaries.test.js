/* eslint-disable boundaries/workspace-imports -- the forbidden imports below are data for the rule under test */
/* global describe, it, expect */
// The workspace boundary rule (workspace-boundaries.mjs), run through ESLint with the repository's
// own config: each forbidden kind of import is an error where it must be, and allowed ones pass.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const FORBIDDEN = [
  ["packages/cli/src/example.ts", 'import { RollupPlan } from "@trading-analytics/aggregator";'],
  ["packages/fuzz/src/example.ts", 'import { createTestApp } from "@trading-analytics/query-api/src/test-app";'],
  ["packages/faults/src/example.ts", 'const main = require.resolve("@trading-analytics/ingester/main");'],
  ["packages/faults/src/example.ts", 'const audit = require(join(ROOT, "apps/aggregator/dist/verify/rollup-audit.js"));'],
  ["packages/seed-conformance/src/example.ts", 'spawn(process.execPath, ["apps/ingester/dist/main.js"]);'],
  ["apps/query-api/src/example.ts", 'import { foldEvents } from "@trading-analytics/rollups/src/domain/fold-events";'],
  ["apps/ingester/src/example.ts", 'import { copyRow } from "@trading-analytics/core/dist/repository/copy-text";'],
  ["packages/fuzz/src/example.ts", 'const migrate = join(ROOT, "packages/core/dist/cli/migrate.cli.js");'],
  ["apps/query-api/src/example.ts", 'const INGESTER = path.resolve(__dirname, "../../ingester/dist/main.js");'],
  ["packages/cli/src/commands/example.ts", 'const tail = require("../../../core/src/repository/events-tail.reader");'],
  ["packages/cli/src/example.ts", "const plan = require(`@trading-analytics/aggregator`);"],
  ["apps/query-api/src/example.ts", 'import { IngesterService } from "@trading-analytics/ingester";'],
];

const ALLOWED = [
  ["apps/aggregator/src/example.ts", 'import { RollupPlan } from "@trading-analytics/rollups";'],
  ["apps/aggregator/src/example.ts", 'import { testCycle } from "@trading-analytics/rollups/testing";'],
  ["packages/faults/src/example.ts", 'import { appMain } from "@trading-analytics/core/testing";\nconst main = appMain(require, "ingester");'],
  ["packages/cli/src/example.ts", 'const cli = require.resolve("@trading-analytics/cli");'],
  ["apps/ingester/src/example.ts", 'const yaml = "../../../packages/core/src/config/seed-fixtures/b25-002-config.yaml";'],
  ["apps/ingester/src/example.test.ts", 'const MAIN = path.resolve(__dirname, "../dist/main.js");'],
  ["packages/core/src/testing/example.ts", "const main = resolveFrom.resolve(`@trading-analytics/${app}/main`);"],
];

// ESLint loads its flat config by dynamic import, which jest's module sandbox refuses: lint in a child.
function boundaryErrors(cases) {
  const snippets = JSON.stringify(cases.map(([file, code]) => ({ file, code })));
  const output = execFileSync(process.execPath, [path.join(__dirname, "lint-snippets.mjs"), "boundaries/workspace-imports"], { input: snippets, encoding: "utf8" });
  return JSON.parse(output);
}

describe("workspace boundaries", () => {
  const forbidden = boundaryErrors(FORBIDDEN);
  const allowed = boundaryErrors(ALLOWED);

  it.each(FORBIDDEN.map(([file, code], i) => [file, code, i]))("%s: %s fails lint", (_file, _code, i) => {
    expect(forbidden[i]).toEqual([expect.stringMatching(/^Packages never import apps|^Apps never import each other|^Reach another workspace|^Import the workspace's package entry/)]);
  });

  it.each(ALLOWED.map(([file, code], i) => [file, code, i]))("%s: %s passes", (_file, _code, i) => {
    expect(allowed[i]).toEqual([]);
  });
});
