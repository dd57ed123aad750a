#!/usr/bin/env node
// `pnpm analytics <command>`: the operator CLI. Wiring only; see analytics.ts.
import { runAnalytics } from "./analytics";

// Exits once stdout has drained: a timer some client left behind must not keep a finished
// command alive.
runAnalytics(process.argv.slice(2)).then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (error: Error) => {
    process.stderr.write(`analytics failed: ${error.message}\n`);
    process.exit(1);
  },
);
