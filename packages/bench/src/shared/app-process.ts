// The apps under test run as operators run them (`node dist/main.js`, found through appMain),
// and are stopped with a deadline, so a stuck one cannot hold up the bench.
import type { AppProcess } from "@trading-analytics/core/testing";

/** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`; resolves with how it ended. */
export async function stopApp(app: AppProcess, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  const code = await Promise.race([app.stop("SIGTERM"), deadline]);
  clearTimeout(timer);
  if (code !== undefined) return String(code);
  await app.stop("SIGKILL");
  return `killed after ${timeoutMs / 1000} s`;
}
