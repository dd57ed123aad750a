import { constants, type NodeGCPerformanceDetail, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { Gauge, type Registry } from "prom-client";

/**
 * analytics_nodejs_heap_used_after_gc_bytes: the V8 heap in use just after the latest full
 * (mark-compact) collection, i.e. about what live objects hold. Heap used sampled at any other
 * moment mostly measures garbage not yet collected (in a busy aggregator it swings by 150 MB
 * between collections), which hides a slow leak. Read when Node reports the collection, at the
 * next turn of the event loop: what was allocated in between counts too, a few MB at most.
 * (v8.GCProfiler would give the exact figure, but on Node 20 every start() adds GC callbacks
 * that stop() does not remove: restarted to keep its record short, it leaked gigabytes.)
 */
export function registerHeapAfterGc(registry: Registry): void {
  const gauge = new Gauge({
    name: "analytics_nodejs_heap_used_after_gc_bytes",
    help: "V8 heap in use just after the latest full (mark-compact) collection: about what live objects hold",
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    // A gc entry carries its kind in detail, which @types/node leaves off PerformanceEntry.
    const kinds = list.getEntries().map((entry) => (entry as unknown as { detail?: NodeGCPerformanceDetail }).detail?.kind);
    if (kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR)) gauge.set(getHeapStatistics().used_heap_size);
  });
  observer.observe({ entryTypes: ["gc"] });
}
