import { GCProfiler } from "node:v8";
import { Gauge, type Registry } from "prom-client";

/** How often the profiler's record is read and started afresh, so it never grows long. */
const ROTATE_MS = 10_000;

/**
 * analytics_nodejs_heap_used_after_gc_bytes: the V8 heap in use right after the latest full
 * (mark-compact) collection, i.e. what live objects hold. Heap used sampled at any other moment
 * mostly measures garbage not yet collected (in a busy aggregator it swings by 150 MB between
 * collections), which hides a slow leak. V8's GC profiler reports each collection's figures.
 */
export function registerHeapAfterGc(registry: Registry): void {
  let profiler = new GCProfiler();
  profiler.start();
  let latest: number | undefined;
  const read = () => {
    const record = profiler.stop();
    profiler = new GCProfiler();
    profiler.start();
    for (const gc of record?.statistics ?? []) {
      // @types/node types these with getHeapStatistics()' snake_case names; the profiler writes camelCase.
      if (gc.gcType === "MarkSweepCompact") latest = (gc.afterGC.heapStatistics as unknown as { usedHeapSize: number }).usedHeapSize;
    }
  };
  setInterval(read, ROTATE_MS).unref();
  new Gauge({
    name: "analytics_nodejs_heap_used_after_gc_bytes",
    help: "V8 heap in use right after the latest full (mark-compact) collection: what live objects hold",
    registers: [registry],
    collect() {
      read();
      if (latest !== undefined) this.set(latest);
    },
  });
}
