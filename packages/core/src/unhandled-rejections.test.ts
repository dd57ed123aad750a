import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import type { Logger } from "./logger";
import { createMetricsRegistry } from "./metrics";
import { handleUnhandledRejections } from "./unhandled-rejections";

const count = async (registry: Registry) => (await registry.getSingleMetric("analytics_unhandled_rejections_total")!.get()).values[0]?.value ?? 0;

describe("handleUnhandledRejections", () => {
  it("logs each unhandled rejection with its stack and counts it, on the app's registry", async () => {
    const registry = createMetricsRegistry({ enabled: true, path: "/metrics", default_metrics: false }, "ingester");
    const error = jest.fn();
    const target = new EventEmitter();
    const remove = handleUnhandledRejections({ error } as unknown as Logger, registry, target);
    expect(await count(registry)).toBe(0);

    target.emit("unhandledRejection", new Error("validator promise rejected"));
    target.emit("unhandledRejection", "a bare string");
    expect(await count(registry)).toBe(2);
    expect(error).toHaveBeenCalledWith(expect.stringContaining("unhandled promise rejection"), {
      error: "validator promise rejected",
      stack: expect.stringContaining("unhandled-rejections.test.ts"),
    });
    expect(error).toHaveBeenLastCalledWith(expect.any(String), expect.objectContaining({ error: "a bare string" }));

    remove();
    expect(target.listenerCount("unhandledRejection")).toBe(0);
  });
});
