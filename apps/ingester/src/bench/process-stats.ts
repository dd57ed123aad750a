// What a process and the machine spent, read from Linux /proc (the benchmark runs on the
// same machine as the stack, so this also shows how the cores were shared).
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux build.
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  rssMb: number;
  /** VmHWM: the peak resident set size since the process started. */
  peakRssMb: number;
}

export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined; // gone already
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
}

interface ProcessCpu {
  command: string;
  seconds: number;
  /** Seconds after boot the process started: tells a new process from a recycled pid. */
  startedAt: number;
}

export interface CpuSnapshot {
  /** Seconds since boot when the snapshot was taken. */
  at: number;
  processes: Map<number, ProcessCpu>;
}

/** user + system CPU seconds of every process we can read, by pid. */
export function snapshotCpu(): CpuSnapshot {
  const at = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const processes = new Map<number, ProcessCpu>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // "pid (comm) state ppid ..." where comm may itself hold spaces and parentheses.
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Fields 14, 15 (utime, stime) and 22 (starttime), counted from 1 with pid as field 1.
      const ticks = Number(fields[11]) + Number(fields[12]);
      const startedAt = Number(fields[19]) / CLOCK_TICKS_PER_SECOND;
      processes.set(pid, { command, seconds: ticks / CLOCK_TICKS_PER_SECOND, startedAt });
    } catch {
      // exited between readdir and read, or not ours to read
    }
  }
  return { at, processes };
}

/**
 * CPU seconds spent between two snapshots, grouped by `classify(pid, command)`. Processes
 * that ended in between are missed; sample before stopping what you measure.
 */
export function cpuSpentBetween(before: CpuSnapshot, after: CpuSnapshot, classify: (pid: number, command: string) => string): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid);
    let seconds: number;
    if (then && then.startedAt === now.startedAt) seconds = now.seconds - then.seconds;
    else if (now.startedAt >= before.at - 0.05) seconds = now.seconds; // started within the window
    else continue; // existed before but could not be read then: its share is unknown
    if (seconds <= 0) continue;
    const group = classify(pid, now.command);
    spent.set(group, (spent.get(group) ?? 0) + seconds);
  }
  return spent;
}

/** The usual suspects on a benchmark machine: the stack's servers and our own node processes. */
export function classifyStackProcess(pid: number, command: string, ingesterPids: readonly number[] = []): string {
  if (ingesterPids.includes(pid)) return "ingester";
  if (pid === process.pid) return "bench";
  if (command.startsWith("postgres")) return "postgres";
  if (command === "java") return "kafka";
  return `other ${command}`;
}

/**
 * "postgres 0.95 cores (24 µs/event), ingester 0.62 (16 µs/event), …": CPU per event does not
 * depend on what else the machine was doing, unlike events/s.
 */
export function describeCpu(spent: Map<string, number>, wallSeconds: number, events: number): string {
  const parts = [...spent]
    .filter(([, seconds]) => seconds / wallSeconds >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([group, seconds]) => `${group} ${(seconds / wallSeconds).toFixed(2)}` + (group.startsWith("other") ? "" : ` (${((seconds * 1e6) / events).toFixed(0)} µs/event)`));
  const total = [...spent.values()].reduce((a, b) => a + b, 0) / wallSeconds;
  return `${parts.join(", ")}; total ${total.toFixed(2)} cores`;
}

/** Cores used by processes that are not the stack, the bench or its ingesters: noise in the numbers. */
export function otherCores(spent: Map<string, number>, wallSeconds: number): number {
  let seconds = 0;
  for (const [group, spentSeconds] of spent) if (group.startsWith("other")) seconds += spentSeconds;
  return seconds / wallSeconds;
}
