// The apps run as processes and each file starts its own set, so cases wait on real pipelines.
const base = require("../../jest.config.base.js")(__dirname);
module.exports = { ...base, testTimeout: 180_000 };
