// Where a leg's CPU went, by the stack's processes (shared/process-stats does the measuring).

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
