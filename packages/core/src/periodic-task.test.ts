import { Registry } from "prom-client";
import { createLogger } from "./logger";
import { PeriodicTask, type RunOutcome } from "./periodic-task";

const logger = createLogger({ level: "error", format: "json" }, "test");

describe("PeriodicTask", () => {
  it("runs at start, then each interval after the previous run ends, and stop() waits for the run in hand", async () => {
    const events: string[] = [];
    let finishRun!: () => void;
    let runs = 0;
    const task = new PeriodicTask(
      { id: "test", intervalMs: 10, logger },
      {
        run: async () => {
          runs += 1;
          events.push(`start ${runs}`);
          if (runs === 3) await new Promise<void>((resolve) => (finishRun = resolve));
          events.push(`end ${runs}`);
        },
      },
    );
    task.start();
    task.start(); // already running: no second loop
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(events.slice(0, 5)).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3"]);
    expect(events).toHaveLength(5); // the third run has not ended, and nothing overlaps it
    const stopped = task.stop().then(() => events.push("stopped"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.at(-1)).toBe("start 3");
    finishRun();
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events.slice(5)).toEqual(["end 3", "stopped"]);
  });

  it("counts each run by outcome, times it, and records the last run that did all its work", async () => {
    const registry = new Registry();
    const planned: Array<RunOutcome | Error> = ["done", "skipped", new Error("database away"), "failed", "done"];
    const task = new PeriodicTask(
      { id: "cleanup", intervalMs: 60_000, logger, registry },
      {
        run: async () => {
          const next = planned.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
        outcome: (value) => value,
      },
    );
    // A histogram's _count is one of its values, named by metricName.
    const value = async (name: string, labels: Record<string, string>) => {
      const values = (await registry.getMetricsAsJSON()).flatMap((metric) => metric.values.map((entry) => ({ ...entry, name: (entry as { metricName?: string }).metricName ?? metric.name })));
      return values.find((entry) => entry.name === name && Object.entries(labels).every(([key, label]) => entry.labels[key] === label))?.value;
    };
    expect(await value("analytics_periodic_task_runs_total", { task: "cleanup", outcome: "failed" })).toBe(0); // present before the first run
    expect(await value("analytics_periodic_task_last_success_timestamp_seconds", { task: "cleanup" })).toBe(0);

    expect(await task.runOnce()).toBe("done");
    const firstSuccess = (await value("analytics_periodic_task_last_success_timestamp_seconds", { task: "cleanup" }))!;
    expect(firstSuccess).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(await task.runOnce()).toBe("skipped");
    expect(await task.runOnce()).toBeUndefined(); // threw: logged, counted, never rejected
    expect(await task.runOnce()).toBe("failed");
    expect(await value("analytics_periodic_task_last_success_timestamp_seconds", { task: "cleanup" })).toBe(firstSuccess);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await task.runOnce();
    expect(await value("analytics_periodic_task_last_success_timestamp_seconds", { task: "cleanup" })).toBeGreaterThan(firstSuccess);

    expect(await value("analytics_periodic_task_runs_total", { task: "cleanup", outcome: "done" })).toBe(2);
    expect(await value("analytics_periodic_task_runs_total", { task: "cleanup", outcome: "skipped" })).toBe(1);
    expect(await value("analytics_periodic_task_runs_total", { task: "cleanup", outcome: "failed" })).toBe(2);
    expect(await value("analytics_periodic_task_duration_seconds_count", { task: "cleanup" })).toBe(5);
  });

  it("lets several tasks share one registry, told apart by the task label", async () => {
    const registry = new Registry();
    const first = new PeriodicTask({ id: "first", intervalMs: 60_000, logger, registry }, { run: async () => undefined });
    new PeriodicTask({ id: "second", intervalMs: 60_000, logger, registry }, { run: async () => undefined });
    await first.runOnce();
    const text = await registry.metrics();
    expect(text).toContain('analytics_periodic_task_runs_total{task="first",outcome="done"} 1');
    expect(text).toContain('analytics_periodic_task_runs_total{task="second",outcome="done"} 0');
  });
});
