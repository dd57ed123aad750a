import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger } from "./logger";

/** Ends the logger and waits until its file transport has written everything. */
function closed(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => {
    logger.on("finish", () => setTimeout(resolve, 50));
    logger.end();
  });
}

describe("createLogger", () => {
  it("writes every line to logging.file_path when logging.output is file, creating its directory", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "logger-test-")), "logs", "analytics.log");
    const logger = createLogger({ level: "info", format: "json", output: "file", file_path: file }, "ingester");
    logger.warn("config warning: redis.pool_size has no effect here", { key: "redis.pool_size" });
    logger.debug("below the level");
    await closed(logger);

    const lines = readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ level: "warn", message: "config warning: redis.pool_size has no effect here", service: "ingester", key: "redis.pool_size" })]);
  });

  it("writes console-format lines to a file without colour codes", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "logger-test-")), "console.log");
    const logger = createLogger({ level: "info", format: "console", output: "file", file_path: file }, "aggregator");
    logger.info("started");
    await closed(logger);

    expect(readFileSync(file, "utf8")).toMatch(/^\S+ info \[aggregator\] started\n$/);
  });
});
