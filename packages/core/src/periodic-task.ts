import type { Registry } from "prom-client";
import { periodicTaskMetrics, RUN_OUTCOMES, type PeriodicTaskMetrics } from "./periodic-task-metrics";
import type { Logger } from "./logger";
import type { Service } from "./service";
import { errorMessage } from "./errors";

/** How a run ended; one that throws is "failed". */
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface PeriodicTaskOptions {
  /** Names the task in logs and in its metrics' `task` label. */
  id: string;
  intervalMs: number;
  logger: Logger;
  /** Where each run is counted, timed and its last success recorded; none in some tests. */
  registry?: Registry;
}

export interface PeriodicJob<T> {
  run(): Promise<T>;
  /** How a run that returned `value` ended; "done" when absent. */
  outcome?(value: T): RunOutcome;
}

/**
 * Runs a job at start and then `intervalMs` after each run ends (never two at once). stop()
 * cancels the next run and waits for the one in hand. A run that throws is logged and counted
 * as failed, and the next run retries: a job never stops on a failure.
 */
export class PeriodicTask<T = void> implements Service {
  readonly id: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private readonly metrics: PeriodicTaskMetrics | undefined;

  constructor(
    private readonly options: PeriodicTaskOptions,
    private readonly job: PeriodicJob<T>,
  ) {
    this.id = options.id;
    this.metrics = options.registry && periodicTaskMetrics(options.registry);
    // Every series exists from the start, so rate() and absence alerts see zeros rather than nothing.
    for (const outcome of RUN_OUTCOMES) this.metrics?.runs.inc({ task: this.id, outcome }, 0);
    this.metrics?.lastSuccess.set({ task: this.id }, 0);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run now, recorded like a scheduled one; resolves with what it returned (undefined if it threw), never rejects. */
  async runOnce(): Promise<T | undefined> {
    const endTimer = this.metrics?.duration.startTimer({ task: this.id });
    let value: T | undefined;
    let outcome: RunOutcome;
    try {
      value = await this.job.run();
      outcome = this.job.outcome?.(value) ?? "done";
    } catch (error) {
      outcome = "failed";
      this.options.logger.error(`${this.id} failed; the next run retries`, { task: this.id, error: errorMessage(error) });
    }
    endTimer?.();
    this.metrics?.runs.inc({ task: this.id, outcome });
    if (outcome === "done") this.metrics?.lastSuccess.set({ task: this.id }, Date.now() / 1000);
    return value;
  }

  private tick(): void {
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
    });
  }
}
