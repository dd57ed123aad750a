// What the bench asks of the load process, and what it answers.
import type { LatencySummary } from "../shared/timing";
import type { CpuUse, KnownPids } from "./machine-load";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** Sent with every request (a prepared batch for the ingest endpoint). */
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Same load, unmeasured, first: connections open, code paths hot, pages cached. */
  warmupSeconds: number;
  /** Sampled from /proc around the measured part, to say where the CPU went. */
  pids: KnownPids;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** 2xx responses, and their latency as the load process saw it (request sent to response read). */
  ok: number;
  perSecond: number;
  latency: LatencySummary | undefined;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerSecond: number;
  cpu: CpuUse;
}
