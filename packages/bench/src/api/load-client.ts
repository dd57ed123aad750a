// Runs one load in a separate process (load.worker), so the load generator's CPU is not the
// bench's: on this machine it still shares the cores with the API, PostgreSQL and Redis.
import { fork } from "node:child_process";
import path from "node:path";
import type { LoadResult, LoadSpec } from "./load-spec";

const WORKER = path.resolve(__dirname, "load.worker.js");

export function runLoadProcess(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    let answered = false;
    child.once("message", (message: { result?: LoadResult; error?: string }) => {
      answered = true;
      if (message.result) resolve(message.result);
      else reject(new Error(`load process failed: ${message.error}`));
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (!answered) reject(new Error(`load process exited (${code ?? signal}) without a result`));
    });
    child.send(spec);
  });
}
