// Where the machine's CPU went while a load ran: the API, the load process, PostgreSQL, Redis,
// Kafka, this bench, and anything else (other people's builds and tests on a shared machine),
// plus the time the hypervisor took (steal). Without it, a slow figure cannot be told from a
// busy machine.
import { readFileSync } from "node:fs";
import { type CpuSnapshot, cpuSpentBetween, machineShares, snapshotCpu } from "../shared/process-stats";

export type MachineSample = CpuSnapshot;

export interface CpuUse {
  /** Cores used by each group over the window. */
  cores: Record<string, number>;
  stealPercent: number;
  idlePercent: number;
}

/** The processes told apart by pid: the API under test and the bench that drives it. */
export interface KnownPids {
  api: number;
  bench: number;
}

function groupOf(pid: number, command: string, known: KnownPids): string {
  if (pid === known.api) return "api";
  if (pid === known.bench) return "bench";
  if (command === "node" && isLoadProcess(pid)) return "load";
  if (command.startsWith("postgres")) return "postgres";
  if (command.startsWith("redis-server")) return "redis";
  if (command === "java") return "kafka";
  return "other";
}

function isLoadProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("load.worker");
  } catch {
    return false; // ended since the sample
  }
}

export const sampleMachine = (): MachineSample => snapshotCpu();

export function cpuUseBetween(before: MachineSample, after: MachineSample, wallSeconds: number, known: KnownPids): CpuUse {
  const spent = cpuSpentBetween(before, after, (pid, command) => groupOf(pid, command, known));
  const cores = Object.fromEntries([...spent].map(([group, seconds]) => [group, seconds / wallSeconds]));
  return { cores, ...machineShares(before, after) };
}

/** "api 0.71, postgres 0.40, load 0.35, other 0.20 cores; steal 6 %, idle 12 %" */
export function describeCpuUse(use: CpuUse): string {
  const parts = Object.entries(use.cores)
    .filter(([, cores]) => cores >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([group, cores]) => `${group} ${cores.toFixed(2)}`);
  return `${parts.join(", ")} cores; steal ${use.stealPercent.toFixed(0)} %, idle ${use.idlePercent.toFixed(0)} %`;
}
