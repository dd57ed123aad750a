import { Counter, type Registry } from "prom-client";
import type { Logger } from "./logger";

const METRIC = "analytics_unhandled_rejections_total";

/** Registered with every app's registry (createMetricsRegistry), so each exports it from the start. */
export function registerUnhandledRejections(registry: Registry): Counter {
  return new Counter({ name: METRIC, help: "Promise rejections no code handled: logged and counted, the process keeps running", registers: [registry] });
}

/**
 * The process policy for a promise rejection nobody handles: log it with its stack and count it,
 * instead of Node's default of exiting. Such a rejection leaves no half-done synchronous state
 * behind, and exiting turned one bad input into an outage (a crash loop on an uncommitted Kafka
 * message). Uncaught exceptions keep Node's default: exit. Returns a function that removes it.
 */
export function handleUnhandledRejections(logger: Logger, registry: Registry, target: NodeJS.EventEmitter = process): () => void {
  const counter = (registry.getSingleMetric(METRIC) as Counter | undefined) ?? registerUnhandledRejections(registry);
  const onRejection = (reason: unknown) => {
    counter.inc();
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.error("unhandled promise rejection (logged and counted; the process keeps running)", { error: error.message, stack: error.stack });
  };
  target.on("unhandledRejection", onRejection);
  return () => void target.off("unhandledRejection", onRejection);
}
