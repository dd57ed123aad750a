// `pnpm test:unit`: every workspace's tests except its integration tests, in one jest run.
// They need no stack and no build and share nothing, so files run side by side on every core.
const { existsSync, readdirSync } = require("node:fs");
const path = require("node:path");
const { INTEGRATION_TEST_FILE } = require("./jest.config.base.js");

const workspaces = ["apps", "packages"]
  .flatMap((group) => readdirSync(path.join(__dirname, group)).map((name) => `${group}/${name}`))
  .concat("infra")
  .filter((dir) => existsSync(path.join(__dirname, dir, "jest.config.js")));

/** A workspace's own config, minus its integration tests and the run-wide options set below. */
function unitProject(dir) {
  // Run-wide, so jest warns when a project sets it.
  const { maxWorkers, ...config } = require(`./${dir}/jest.config.js`);
  return { ...config, displayName: dir, testPathIgnorePatterns: ["/node_modules/", INTEGRATION_TEST_FILE] };
}

module.exports = {
  projects: workspaces.map(unitProject),
  // Running projects, jest takes workers and the timeout from here, not from the workspaces' configs.
  maxWorkers: "100%",
  testTimeout: 60_000,
};
