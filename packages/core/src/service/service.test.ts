import { createLogger } from "../logger";
import { HealthMonitor } from "../health";
import { GracefulShutdown } from "../shutdown";
import { type Service, startServices } from "./service";

const logger = createLogger({ level: "error", format: "json" }, "test");

/** A service that writes what happens to it into `log`; `failStart` makes its start throw. */
function recorded(id: string, log: string[], options: { failStart?: boolean; critical?: boolean } = {}): Service {
  return {
    id,
    start: async () => {
      log.push(`start ${id}`);
      if (options.failStart) throw new Error(`${id} cannot start`);
    },
    stop: async () => {
      log.push(`stop ${id}`);
    },
    ...(options.critical !== undefined && {
      healthcheck: () => ({
        name: id,
        critical: options.critical!,
        check: async () => {
          if (!log.includes(`start ${id}`)) throw new Error(`${id} not started`);
        },
      }),
    }),
  };
}

describe("startServices", () => {
  it("starts in order and, on shutdown, drops readiness first and stops in reverse order", async () => {
    const log: string[] = [];
    const health = new HealthMonitor("test", [], 1000, 0);
    const shutdown = new GracefulShutdown(logger, 1000, () => undefined);
    await startServices([recorded("database", log), recorded("consumer", log, { critical: true }), recorded("http", log)], { health, shutdown });
    expect(log).toEqual(["start database", "start consumer", "start http"]);
    expect((await health.report()).status).toBe("healthy");

    expect(await shutdown.shutdown()).toBe(true);
    expect(log.slice(3)).toEqual(["stop http", "stop consumer", "stop database"]);
    expect((await health.report()).status).toBe("shutting_down");
  });

  it("adds a service's health check before it starts, so readiness covers a part still starting", async () => {
    const log: string[] = [];
    const health = new HealthMonitor("test", [], 1000, 0);
    const shutdown = new GracefulShutdown(logger, 1000, () => undefined);
    const readinessDuringStart: string[] = [];
    const slow: Service = {
      id: "slow",
      start: async () => {
        readinessDuringStart.push((await health.report()).status);
      },
      stop: () => undefined,
      healthcheck: () => ({
        name: "slow",
        critical: true,
        check: async () => {
          if (readinessDuringStart.length === 0) throw new Error("starting");
        },
      }),
    };
    await startServices([recorded("database", log), slow], { health, shutdown });
    expect(readinessDuringStart).toEqual(["unhealthy"]);
  });

  it("stops what already started, last first, when a service fails to start", async () => {
    const log: string[] = [];
    const health = new HealthMonitor("test", [], 1000, 0);
    const shutdown = new GracefulShutdown(logger, 1000, () => undefined);
    const services = [recorded("database", log), recorded("redis", log), recorded("consumer", log, { failStart: true }), recorded("http", log)];
    await expect(startServices(services, { health, shutdown })).rejects.toThrow("consumer cannot start");
    expect(log).toEqual(["start database", "start redis", "start consumer", "stop redis", "stop database"]);
  });

  it("handles a shutdown that begins while a service is starting: that one stops once started, later ones never start", async () => {
    const log: string[] = [];
    const health = new HealthMonitor("test", [], 1000, 0);
    const shutdown = new GracefulShutdown(logger, 1000, () => undefined);
    let finishStart!: () => void;
    const joining: Service = {
      id: "consumer",
      start: () => new Promise<void>((resolve) => (finishStart = resolve)).then(() => void log.push("start consumer")),
      stop: () => void log.push("stop consumer"),
    };
    const starting = startServices([recorded("database", log), joining, recorded("http", log)], { health, shutdown });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const stopping = shutdown.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await health.report()).status).toBe("shutting_down");
    expect(log).toEqual(["start database"]); // the consumer's stop waits for its start
    finishStart();
    await Promise.all([starting, stopping]);
    expect(log).toEqual(["start database", "start consumer", "stop consumer", "stop database"]);
  });

  it("stops a service whose start does not finish once its grace is over, and never stops one whose start failed", async () => {
    const log: string[] = [];
    const shutdown = new GracefulShutdown(logger, 10_000, () => undefined);
    let failStart!: (error: Error) => void;
    const failing: Service = { id: "redis", start: () => new Promise<void>((_, reject) => (failStart = reject)), stop: () => void log.push("stop redis") };
    const first = startServices([recorded("database", log), failing], { health: new HealthMonitor("test", [], 1000, 0), shutdown });
    await waitUntil(() => failStart !== undefined);
    const stopping = shutdown.shutdown();
    failStart(new Error("redis refused"));
    await expect(first).resolves.toBe(false); // the shutdown stops what started; no error leaves
    await stopping;
    expect(log).toEqual(["start database", "stop database"]);

    const log2: string[] = [];
    const shutdown2 = new GracefulShutdown(logger, 10_000, () => undefined);
    let starting = false;
    const stuck: Service = {
      id: "definitions",
      start: () => {
        starting = true;
        return new Promise<void>(() => undefined);
      },
      stop: () => void log2.push("stop definitions"),
    };
    void startServices([recorded("database", log2), stuck], { health: new HealthMonitor("test", [], 1000, 0), shutdown: shutdown2, startGraceMs: 100 });
    await waitUntil(() => starting);
    const stopping2 = shutdown2.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log2).toEqual(["start database"]); // still within the grace
    await stopping2;
    expect(log2).toEqual(["start database", "stop definitions", "stop database"]);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
