import { writeSync } from "node:fs";
import { KILL_AFTER_DB_COMMIT_ENV, KILL_AFTER_DB_COMMIT_MARKER, type Logger } from "@trading-analytics/core";

/**
 * Fault injection for the fault suite (packages/faults), off unless the variable is set:
 * INGESTER_FAULT_KILL_AFTER_DB_COMMIT makes the process SIGKILL itself right after a chunk's
 * PostgreSQL transaction has committed and before that chunk's offsets are committed to
 * Kafka. That is the one instant where a crash leaves rows stored but not acknowledged, so
 * the re-delivery that follows must be skipped, not stored twice. Never set it in production.
 *
 *   every:N        at the Nth chunk (counted from start) whose transaction stored new rows
 *   p:0.05, 0.05   at each such chunk with that probability
 */
export type KillPlan = { every: number } | { probability: number };

/** A chunk whose rows are committed in PostgreSQL and whose offsets are not yet committed to Kafka. */
export interface CommittedChunk {
  topic: string;
  partition: number;
  /** The chunk's last offset; the group's committed offset for the partition is still at or before its first. */
  lastOffset: string;
  /** Rows this chunk's transaction stored (re-deliveries of stored ids excluded). */
  inserted: number;
}

export type AfterDbCommitHook = (chunk: CommittedChunk) => void;

/** The plan a value of the variable asks for; undefined when unset or empty; throws on anything else. */
export function parseKillPlan(value: string | undefined): KillPlan | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const every = /^every:(\d+)$/.exec(text);
  if (every) {
    const n = Number(every[1]);
    if (n >= 1) return { every: n };
  } else {
    const probability = Number(text.startsWith("p:") ? text.slice(2) : text);
    if (text.length > 0 && probability > 0 && probability <= 1) return { probability };
  }
  throw new Error(`${KILL_AFTER_DB_COMMIT_ENV}="${text}": expected every:N (N >= 1) or a probability p:P / P with 0 < P <= 1`);
}

/** Whether the plan kills at the next committed chunk: called once per chunk that stored rows, in order. */
export function killDecider(plan: KillPlan, random: () => number = Math.random): () => boolean {
  if ("every" in plan) {
    let chunks = 0;
    return () => ++chunks % plan.every === 0;
  }
  return () => random() < plan.probability;
}

export interface KillEffects {
  /** Writes one line where the supervisor reads it, synchronously: nothing runs after the kill. */
  announce(line: string): void;
  kill(): void;
}

const processEffects: KillEffects = {
  announce: (line) => {
    try {
      writeSync(2, `${line}\n`);
    } catch {
      // a full or closed pipe must not stop the kill
    }
  },
  kill: () => process.kill(process.pid, "SIGKILL"),
};

/** The hook the batch handler calls between the two commits; it announces itself and kills the process when the plan says so. */
export function killAfterDbCommitHook(plan: KillPlan, effects: KillEffects = processEffects, random?: () => number): AfterDbCommitHook {
  const shouldKill = killDecider(plan, random);
  return (chunk) => {
    if (!shouldKill()) return;
    effects.announce(
      JSON.stringify({ level: "warn", message: KILL_AFTER_DB_COMMIT_MARKER, service: "ingester", ...chunk, timestamp: new Date().toISOString() }),
    );
    effects.kill();
  };
}

/** Read once at start-up: the hook when the variable asks for one (with a warning in the log), else undefined. */
export function killAfterDbCommitFromEnv(env: NodeJS.ProcessEnv, logger: Logger): AfterDbCommitHook | undefined {
  const plan = parseKillPlan(env[KILL_AFTER_DB_COMMIT_ENV]);
  if (!plan) return undefined;
  logger.warn("fault injection armed: this process will SIGKILL itself between a database commit and its Kafka commit", {
    [KILL_AFTER_DB_COMMIT_ENV]: env[KILL_AFTER_DB_COMMIT_ENV],
  });
  return killAfterDbCommitHook(plan);
}
