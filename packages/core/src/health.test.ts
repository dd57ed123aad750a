import { type HealthCheck, HealthMonitor } from "./health";

/** A check that counts its runs and answers when released. */
function countingCheck(name = "database") {
  const state = { runs: 0, release: () => {}, fail: false };
  const check: HealthCheck = {
    name,
    critical: true,
    check: () =>
      new Promise<void>((resolve, reject) => {
        state.runs++;
        state.release = () => (state.fail ? reject(new Error("refused")) : resolve());
      }),
  };
  return { check, state };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("HealthMonitor", () => {
  it("runs a check once for every probe that arrives while it is in flight", async () => {
    const { check, state } = countingCheck();
    const monitor = new HealthMonitor("test", [check], 2000, 1000);
    const reports = Array.from({ length: 50 }, () => monitor.report());
    await sleep(5);
    state.release();
    const answers = await Promise.all(reports);
    expect(state.runs).toBe(1);
    expect(answers.every((report) => report.status === "healthy")).toBe(true);
  });

  it("reuses a settled result for cacheMs, then runs the check again", async () => {
    const { check, state } = countingCheck();
    const monitor = new HealthMonitor("test", [check], 2000, 100);
    const first = monitor.report();
    state.release();
    await first;
    for (let index = 0; index < 20; index++) await monitor.report();
    expect(state.runs).toBe(1);

    await sleep(120);
    state.fail = true;
    const later = monitor.report();
    await sleep(5);
    state.release();
    expect((await later).status).toBe("unhealthy");
    expect(state.runs).toBe(2);
  });

  it("still says shutting_down at once, whatever is cached", async () => {
    const { check, state } = countingCheck();
    const monitor = new HealthMonitor("test", [check], 2000, 60_000);
    const first = monitor.report();
    state.release();
    expect((await first).status).toBe("healthy");
    monitor.markShuttingDown();
    expect((await monitor.report()).status).toBe("shutting_down");
  });

  it("says database and cache connected or disconnected as the seed does, only for the dependencies it checks", async () => {
    const up: HealthCheck = { name: "database", critical: true, check: async () => undefined };
    const down: HealthCheck = { name: "redis", critical: false, check: async () => Promise.reject(new Error("refused")) };
    const report = await new HealthMonitor("analytics", [up, down]).report();
    expect(report).toMatchObject({ status: "degraded", service: "analytics", database: "connected", cache: "disconnected" });
    const withoutRedis = await new HealthMonitor("aggregator", [up]).report();
    expect(withoutRedis.database).toBe("connected");
    expect("cache" in withoutRedis).toBe(false);
  });
});
