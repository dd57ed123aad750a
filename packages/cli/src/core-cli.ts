import path from "node:path";
import type { Config } from "@trading-analytics/core";

// The core package's own CLIs (analytics-migrate, analytics-api-key, …) export the work they do,
// and this CLI calls the same functions. Core's package.json exports only "." and "./testing",
// so they are loaded from the built files beside core's entry point; this module is the one
// place that knows where, and declares the signatures it relies on. (A "./cli" export in core's
// package.json would make this a plain import.)

export interface ApiKeyCliModule {
  /** Exit code: 0 done, 1 failed, 2 usage error. */
  apiKeyCli(argv: string[]): Promise<number>;
}

export interface MigrateCliModule {
  migrate(config: Config): Promise<void>;
}

export interface RetentionCliModule {
  /** Exit code: 0 done, 1 failed, 2 usage error. */
  retentionCli(argv: string[]): Promise<number>;
}

const CORE_DIST = path.dirname(require.resolve("@trading-analytics/core"));

function loadCoreCli<T>(file: string, exported: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the comment at the top
  const loaded = require(path.join(CORE_DIST, "cli", file)) as Record<string, unknown>;
  if (typeof loaded[exported] !== "function") {
    throw new Error(`@trading-analytics/core's cli/${file} does not export ${exported}(); rebuild core (pnpm -C packages/core build)`);
  }
  return loaded as T;
}

export const coreCli = {
  apiKey: () => loadCoreCli<ApiKeyCliModule>("api-key.cli.js", "apiKeyCli"),
  migrate: () => loadCoreCli<MigrateCliModule>("migrate.cli.js", "migrate"),
  retention: () => loadCoreCli<RetentionCliModule>("retention.cli.js", "retentionCli"),
};
