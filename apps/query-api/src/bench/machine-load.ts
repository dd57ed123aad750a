// Where the machine's CPU went while a load ran, from Linux /proc: the API, the load process,
// PostgreSQL, Redis, Kafka, this bench, and anything else (other people's builds and tests on
// a shared machine), plus the time the hypervisor took (steal). Without it, a slow figure
// cannot be told from a busy machine.
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of /proc times; 100 on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

interface ProcessTicks {
  group: string;
  ticks: number;
  startedAt: number;
}

export interface MachineSample {
  /** cpu line of /proc/stat: user nice system idle iowait irq softirq steal. */
  cpu: number[];
  processes: Map<number, ProcessTicks>;
}

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
  if (command === "node") {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (commandLine.includes("load.worker")) return "load";
  }
  if (command.startsWith("postgres")) return "postgres";
  if (command.startsWith("redis-server")) return "redis";
  if (command === "java") return "kafka";
  return "other";
}

export function sampleMachine(known: KnownPids): MachineSample {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1, 9).map(Number);
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // "pid (comm) state ..." where comm may hold spaces; utime, stime and starttime follow.
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      processes.set(pid, { group: groupOf(pid, command, known), ticks: Number(fields[11]) + Number(fields[12]), startedAt: Number(fields[19]) });
    } catch {
      // ended between readdir and read
    }
  }
  return { cpu, processes };
}

export function cpuUseBetween(before: MachineSample, after: MachineSample, wallSeconds: number): CpuUse {
  const cores: Record<string, number> = {};
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid);
    // A process that started in the window (the load process) counts from zero.
    const ticks = then && then.startedAt === now.startedAt ? now.ticks - then.ticks : now.ticks;
    if (ticks > 0) cores[now.group] = (cores[now.group] ?? 0) + ticks / TICKS_PER_SECOND / wallSeconds;
  }
  const spent = after.cpu.map((value, index) => value - (before.cpu[index] ?? 0));
  const total = spent.reduce((sum, value) => sum + value, 0) || 1;
  return { cores, stealPercent: (100 * (spent[7] ?? 0)) / total, idlePercent: (100 * ((spent[3] ?? 0) + (spent[4] ?? 0))) / total };
}

/** "api 0.71, postgres 0.40, load 0.35, other 0.20 cores; steal 6 %, idle 12 %" */
export function describeCpuUse(use: CpuUse): string {
  const parts = Object.entries(use.cores)
    .filter(([, cores]) => cores >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([group, cores]) => `${group} ${cores.toFixed(2)}`);
  return `${parts.join(", ")} cores; steal ${use.stealPercent.toFixed(0)} %, idle ${use.idlePercent.toFixed(0)} %`;
}
