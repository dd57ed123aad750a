// Shared jest setup: swc strips types (tsc does the checking in the typecheck task) and
// workspace packages resolve to their TypeScript sources, so tests never need a build.
const path = require("node:path");

/**
 * The test tiers. Integration tests are the files named *.integration.test.ts: they need the real
 * stack (Kafka, PostgreSQL, Redis) or built apps. Every other test is a unit test and needs neither.
 */
const INTEGRATION_TEST_FILE = "\\.integration\\.test\\.ts$";

/** @param {string} dir package directory */
function jestConfig(dir) {
  return {
    rootDir: dir,
    testEnvironment: "node",
    roots: ["<rootDir>/src"],
    transform: {
      "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
    },
    moduleNameMapper: {
      "^@trading-analytics/(core|metrics|rollups)$": path.join(__dirname, "packages/$1/src/index.ts"),
      "^@trading-analytics/(core|rollups)/testing$": path.join(__dirname, "packages/$1/src/testing/index.ts"),
    },
    // Integration tests share one Kafka, PostgreSQL and Redis; each file isolates itself by
    // database name and topic names, but a 2-core machine is happier running them in band.
    maxWorkers: 1,
    testTimeout: 60_000,
  };
}

module.exports = jestConfig;
module.exports.INTEGRATION_TEST_FILE = INTEGRATION_TEST_FILE;
