// What every bench's entry point does alike: progress to stderr (the report goes to stdout), a
// failure exits 1, and Ctrl-C or SIGTERM removes what the bench created before exiting.
import { CleanupStack } from "@trading-analytics/core/testing";

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface BenchRun {
  /** Everything the bench creates is registered here; a signal unwinds it all. */
  cleanup: CleanupStack;
  /** True once a signal arrived: stop starting new work. */
  stopping(): boolean;
}

/** Runs a bench's `main`; on SIGINT or SIGTERM unwinds its cleanup and exits 130 or 143. */
export function runBench(main: (run: BenchRun) => Promise<void>): void {
  const cleanup = new CleanupStack(log);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
      log(`${signal}: removing what the benchmark created, then exiting`);
      void cleanup.releaseTo().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  main({ cleanup, stopping: () => stopping }).catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

/** A flag's value as an integer >= `min`; underscores are allowed (1_000_000). */
export function integerOption(name: string, raw: string, min = 1): number {
  const value = Number(raw.replace(/_/g, ""));
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be ${min === 1 ? "a positive integer" : `an integer >= ${min}`}, not ${raw}`);
  return value;
}
