import { spawnSync } from "node:child_process";

export interface PromtoolRun {
  status: number | null;
  output: string;
}

/** Whether promtool is on PATH (Debian: apt-get install prometheus). */
export function promtoolAvailable(): boolean {
  return spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;
}

export function promtool(args: string[], cwd: string): PromtoolRun {
  const run = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
