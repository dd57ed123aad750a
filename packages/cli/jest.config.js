const path = require("node:path");

// The shared setup, plus the aggregator's modules (imported by their dist paths, as the CLI
// imports them) resolved to their TypeScript sources like core's.
const base = require("../../jest.config.base.js")(__dirname);
module.exports = {
  ...base,
  moduleNameMapper: {
    ...base.moduleNameMapper,
    "^@trading-analytics/aggregator/dist/(.*)$": path.join(__dirname, "../../apps/aggregator/src/$1"),
  },
};
