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
});
