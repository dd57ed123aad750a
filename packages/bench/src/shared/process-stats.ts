// What processes and the machine spent, read from Linux /proc: the benches run on the same
// machine as the stack, so this also shows how the cores were shared.
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of /proc times; 100 on every mainstream Linux build.
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
  /** The cpu line of /proc/stat, in ticks: user nice system idle iowait irq softirq steal. */
  machine: number[];
  processes: Map<number, ProcessCpu>;
}

/** The machine's CPU counters and user + system CPU seconds of every process we can read, by pid. */
export function snapshotCpu(): CpuSnapshot {
  const at = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const machine = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1, 9).map(Number);
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
  return { at, machine, processes };
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

/** The share of the machine's CPU time the hypervisor took (steal) and nobody used (idle + iowait). */
export function machineShares(before: CpuSnapshot, after: CpuSnapshot): { stealPercent: number; idlePercent: number } {
  const spent = after.machine.map((value, index) => value - (before.machine[index] ?? 0));
  const total = spent.reduce((sum, value) => sum + value, 0) || 1;
  return { stealPercent: (100 * (spent[7] ?? 0)) / total, idlePercent: (100 * ((spent[3] ?? 0) + (spent[4] ?? 0))) / total };
}
