import path from "node:path";
import type { ChildProcess } from "node:child_process";

const SENTINEL = path.resolve(__dirname, "../../scripts/prototype-sentinel.js");
const MARKER = "prototype-sentinel:";

/** The environment that preloads the sentinel into an app started with it. */
export function sentinelEnv(): Record<string, string> {
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${SENTINEL}`].filter(Boolean).join(" ") };
}

/**
 * Asks an app started with sentinelEnv() which built-in prototype keys changed in its process
 * since the previous question (SIGUSR2; the answer is one stderr line). Rejects if it does not
 * answer: a pollution check that cannot see is a failure, not a pass.
 */
export function prototypeProbe(app: { child: ChildProcess }, answerTimeoutMs = 5_000): () => Promise<string[]> {
  const answers: string[][] = [];
  const waiting: Array<(answer: string[]) => void> = [];
  let pending = "";
  app.child.stderr!.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      const at = line.indexOf(MARKER);
      if (at < 0) continue;
      const answer = JSON.parse(line.slice(at + MARKER.length)) as string[];
      const next = waiting.shift();
      if (next) next(answer);
      else answers.push(answer);
    }
  });
  return () =>
    new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no prototype-sentinel answer from pid ${app.child.pid} within ${answerTimeoutMs} ms`)), answerTimeoutMs);
      waiting.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      app.child.kill("SIGUSR2");
    });
}
