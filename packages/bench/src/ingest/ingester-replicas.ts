// The real ingester, run as operators run it: `node dist/main.js` processes sharing one
// consumer group, each on its own ops port. Watches their memory and /metrics while they work.
import { sumSamples } from "@trading-analytics/core";
import { type AppProcess, appMain, type CleanupStack, freePort, ingesterEnv, startAppProcess } from "@trading-analytics/core/testing";
import { stopApp } from "../shared/app-process";
import { readProcessMemory } from "../shared/process-stats";

const STOP_TIMEOUT_MS = 30_000;

export interface ReplicaSettings {
  databaseUrl: string;
  topics: string[];
  deadLetterTopic: string;
  consumerGroup: string;
}

export class IngesterReplica {
  private exitCode: number | string | undefined;
  private maxSampledRssMb = 0;

  private constructor(readonly process: AppProcess) {
    void process.exited.then((code) => (this.exitCode = code));
  }

  /** Starts one replica on a free port; resolves once it answers /ready. */
  static async start(settings: ReplicaSettings, cleanup: CleanupStack): Promise<IngesterReplica> {
    const port = await freePort();
    const env = ingesterEnv({
      databaseUrl: settings.databaseUrl,
      topics: settings.topics,
      deadLetterTopic: settings.deadLetterTopic,
      port,
      extra: { KAFKA_CONSUMER_GROUP: settings.consumerGroup, LOG_LEVEL: "warn" },
    });
    const replica = new IngesterReplica(await startAppProcess(appMain(require, "ingester"), env, port));
    cleanup.defer(`ingester pid ${replica.pid}`, () => replica.stop());
    return replica;
  }

  get pid(): number {
    return this.process.child.pid ?? -1;
  }

  get exited(): number | string | undefined {
    return this.exitCode;
  }

  /** Keeps the highest RSS seen, in case VmHWM cannot be read at the end. */
  sampleMemory(): void {
    const memory = readProcessMemory(this.pid);
    if (memory) this.maxSampledRssMb = Math.max(this.maxSampledRssMb, memory.rssMb);
  }

  /** VmHWM (peak RSS since start), or the highest sample; read it before stopping. */
  peakRssMb(): number {
    const memory = readProcessMemory(this.pid);
    return Math.max(memory?.peakRssMb ?? 0, this.maxSampledRssMb);
  }

  async metrics(): Promise<string | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.process.port}/metrics`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  }

  /** analytics_events_ingested_total, or undefined when /metrics does not say. */
  async eventsIngested(): Promise<number | undefined> {
    const text = await this.metrics();
    return text === undefined ? undefined : sumSamples(text, "analytics_events_ingested_total");
  }

  /** Warnings and errors the replica logged (it runs with LOG_LEVEL=warn). */
  problems(): string[] {
    return this.process
      .output()
      .split("\n")
      .filter((line) => line.trim().length > 0);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s; resolves with how it ended. */
  async stop(): Promise<string> {
    if (this.exitCode !== undefined) return String(this.exitCode);
    return stopApp(this.process, STOP_TIMEOUT_MS);
  }
}
