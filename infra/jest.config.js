// Tests of repository-wide tooling (lint rules); plain CommonJS, nothing to transform.
module.exports = { rootDir: __dirname, testEnvironment: "node", roots: ["<rootDir>/lint"], transform: {} };
