#!/usr/bin/env node
// `analytics`: the built CLI, or one line saying what to do when it is not built (not a MODULE_NOT_FOUND trace).
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

const main = path.join(__dirname, "..", "dist", "main.js");

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}

if (!existsSync(main)) {
  fail("analytics is not built yet: run pnpm build");
} else {
  try {
    require(main);
  } catch (error) {
    // A workspace package it loads at start (core) not built, or dependencies not installed.
    if (error?.code !== "MODULE_NOT_FOUND") throw error;
    fail(`analytics cannot start: ${error.message.split("\n")[0]}; run pnpm install, then pnpm build`);
  }
}
