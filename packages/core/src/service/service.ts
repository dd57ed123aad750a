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
}

/**
 * Starts the services in order, each one's health check added before it starts (so readiness
 * covers a part still starting). The shutdown is registered first, so a signal during start-up
 * is handled too: readiness drops, then the services stop in reverse order (nothing stops before
 * what depends on it), a service still starting once its start settles, one never started not
 * at all; no further service starts. If a service fails to start, those already started are
 * stopped, last first, before the error leaves.
 */
export async function startServices(services: readonly Service[], { health, shutdown }: ServiceHost): Promise<void> {
  const starts = new Map<Service, Promise<void>>();
  shutdown.register("readiness", () => health.markShuttingDown());
  for (const service of [...services].reverse()) {
    shutdown.register(service.id, async () => {
      const start = starts.get(service);
      if (!start) return;
      await start.catch(() => undefined);
      await service.stop();
    });
  }

  const started: Service[] = [];
  try {
    for (const service of services) {
      if (shutdown.isShuttingDown) return;
      const check = service.healthcheck?.();
      if (check) health.add(check);
      const start = Promise.resolve().then(() => service.start());
      starts.set(service, start);
      await start;
      started.push(service);
    }
  } catch (error) {
    for (const service of started.reverse()) await Promise.resolve().then(() => service.stop()).catch(() => undefined);
    throw error;
  }
}
