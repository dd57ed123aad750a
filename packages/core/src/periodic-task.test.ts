import { PeriodicTask } from "./periodic-task";

describe("PeriodicTask", () => {
  it("runs at start, then each interval after the previous run ends, and stop() waits for the run in hand", async () => {
    const events: string[] = [];
    let finishRun!: () => void;
    let runs = 0;
    const task = new PeriodicTask(10, async () => {
      runs += 1;
      events.push(`start ${runs}`);
      if (runs === 3) await new Promise<void>((resolve) => (finishRun = resolve));
      events.push(`end ${runs}`);
    });
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
});
