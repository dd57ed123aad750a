import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Registry } from "prom-client";
import { registerHeapAfterGc } from "./heap-after-gc";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

async function gaugeValue(registry: Registry): Promise<number | undefined> {
  const metric = await registry.getSingleMetric("analytics_nodejs_heap_used_after_gc_bytes")!.get();
  return metric.values[0]?.value;
}

describe("registerHeapAfterGc", () => {
  it("reports the heap in use just after the latest full collection, not what was allocated since", async () => {
    const registry = new Registry();
    registerHeapAfterGc(registry);
    collectGarbage();
    const live = getHeapStatistics().used_heap_size;
    // Node reports the collection at the next turn of the event loop.
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    // Objects made since the collection count in heap used, not in the gauge.
    const made = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `made later ${i}` }));
    expect(getHeapStatistics().used_heap_size).toBeGreaterThan(live + 5_000_000);
    const value = await gaugeValue(registry);
    expect(value).toBeGreaterThan(live * 0.9);
    expect(value).toBeLessThan(live * 1.1);
    expect(made).toHaveLength(200_000);
  });
});
