// The load generator, in a process of its own (forked by load-client): autocannon against the
// API, every 2xx response's time recorded at full resolution (autocannon's own histogram keeps
// whole milliseconds), answered to the parent over IPC.
import autocannon from "autocannon";
import { summarizeLatencies } from "../shared/timing";
import type { LoadResult, LoadSpec } from "./load-spec";
import { cpuUseBetween, sampleMachine } from "./machine-load";

async function runLoad(spec: LoadSpec, measure: boolean): Promise<LoadResult> {
  const durations: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: measure ? spec.durationSeconds : spec.warmupSeconds,
    timeout: 30,
  });
  if (measure) {
    instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) durations.push(responseTimeMs);
    });
  }
  const before = sampleMachine();
  const started = performance.now();
  const result = await instance;
  const cpu = cpuUseBetween(before, sampleMachine(), (performance.now() - started) / 1000, spec.pids);
  return {
    connections: spec.connections,
    durationSeconds: result.duration,
    ok: result["2xx"],
    perSecond: result["2xx"] / result.duration,
    latency: summarizeLatencies(durations),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    bytesPerSecond: result.totalBytes / result.duration,
    cpu,
  };
}

process.once("message", (spec: LoadSpec) => {
  void (async () => {
    if (spec.warmupSeconds > 0) await runLoad(spec, false);
    return runLoad(spec, true);
  })().then(
    (result) => process.send!({ result }, undefined, {}, () => process.exit(0)),
    (error: Error) => process.send!({ error: error.stack ?? error.message }, undefined, {}, () => process.exit(1)),
  );
});
