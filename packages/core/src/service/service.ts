import type { HealthCheck, HealthMonitor } from "../health";
import type { GracefulShutdown } from "../shutdown";

/**
 * A long-running part of an app: a client, a consumer, a loop, a job, a poller or a server.
 * Apps start a list of them and stop them in reverse order.
 */
export interface Service {
  /** Names the part in logs, health reports and shutdown steps. */
  readonly id: string;
  start(): void | Promise<void>;
  /** Finishes the work in hand and releases what the part holds; called once, after start. */
  stop(): void | Promise<void>;
  /** What this part adds to /health and /ready; absent when it has nothing of its own to report. */
  healthcheck?(): HealthCheck;
}

export interface ServiceHost {
  health: HealthMonitor;
  shutdown: GracefulShutdown;
  /** How long a shutdown waits for a start in hand before stopping the service anyway. */
  startGraceMs?: number;
}

/** A start can retry for ever (definitions while the database is away): a shutdown waits this long for it. */
const START_GRACE_MS = 5_000;

/**
 * Starts the services in order, each one's health check added before it starts (so readiness
 * covers a part still starting). The shutdown is registered before anything starts, so a signal
 * during start-up is handled too: readiness drops, then the services stop in reverse order
 * (nothing stops before what depends on it); a service still starting is given startGraceMs to
 * finish, one whose start failed or never began is not stopped, and no further service starts.
 * Resolves true once every service has started, false when a shutdown came first. If a service
 * fails to start, those already started are stopped, last first, before the error leaves (during
 * a shutdown, the shutdown stops them and the error is only logged by it).
 */
export async function startServices(services: readonly Service[], { health, shutdown, startGraceMs = START_GRACE_MS }: ServiceHost): Promise<boolean> {
  const starts = new Map<Service, Promise<boolean>>();
  shutdown.register("readiness", () => health.markShuttingDown());
  for (const service of [...services].reverse()) {
    shutdown.register(service.id, async () => {
      const start = starts.get(service);
      if (!start) return;
      const started = await Promise.race([start, sleep(startGraceMs).then(() => true)]);
      if (started) await service.stop();
    });
  }

  const started: Service[] = [];
  try {
    for (const service of services) {
      if (shutdown.isShuttingDown) return false;
      const check = service.healthcheck?.();
      if (check) health.add(check);
      const start = Promise.resolve().then(() => service.start());
      starts.set(
        service,
        start.then(
          () => true,
          () => false,
        ),
      );
      await start;
      started.push(service);
    }
  } catch (error) {
    if (shutdown.isShuttingDown) return false;
    for (const service of started.reverse()) await Promise.resolve().then(() => service.stop()).catch(() => undefined);
    throw error;
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
