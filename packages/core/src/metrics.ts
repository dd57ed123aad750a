import { collectDefaultMetrics, Registry } from "prom-client";
import type { Config } from "./config";
import { registerHeapAfterGc } from "./heap-after-gc";
import { registerUnhandledRejections } from "./unhandled-rejections";

/** One registry per app, labelled with the app's name, with Node's default metrics and the unhandled-rejection count. */
export function createMetricsRegistry(metrics: Config["metrics"], app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  registerUnhandledRejections(registry);
  if (metrics.default_metrics) {
    collectDefaultMetrics({ register: registry, prefix: "analytics_" });
    registerHeapAfterGc(registry);
  }
  return registry;
}
