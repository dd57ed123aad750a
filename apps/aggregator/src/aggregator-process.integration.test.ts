import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type AppProcess,
  createTestDatabase,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
  waitFor,
} from "@trading-analytics/core/testing";
import { auditRollups, EventTail } from "@trading-analytics/rollups";
import { seeded, storeEvents, TEST_PLAN, tradingEvents } from "@trading-analytics/rollups/testing";

const AGGREGATOR_MAIN = path.resolve(__dirname, "../dist/main.js");
const HOUR = 3_600_000;

describe("the aggregator process", () => {
  let db: TestDatabase;
  let configFile: string;
  let aggregator: AppProcess | undefined;

  beforeAll(() => {
    // Small cycles, so a SIGKILL lands inside one more often than between them.
    const dir = mkdtempSync(path.join(tmpdir(), "aggregator-test-"));
    configFile = path.join(dir, "config.yaml");
    writeFileSync(configFile, "analytics:\n  aggregation:\n    poll_interval: 50ms\n    max_events_per_cycle: 400\n");
  });

  beforeEach(async () => {
    db = await createTestDatabase("aggregator_process");
  });

  afterEach(async () => {
    await aggregator?.stop("SIGKILL");
    await db.drop();
  });

  async function startAggregator(): Promise<AppProcess> {
    const port = await freePort();
    return startAppProcess(
      AGGREGATOR_MAIN,
      {
        CONFIG_FILE: configFile,
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
        AGGREGATOR_PORT: String(port),
        LOG_LEVEL: "warn",
      },
      port,
    );
  }

  it("stays exact when SIGKILLed at random instants mid-stream and restarted", async () => {
    const now = Date.now();
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; batch < 40; batch += 1) {
        await storeEvents(db.sql, tradingEvents(250, { endMs: now, spanMs: HOUR / 3, seed: 500 + batch }));
      }
      writing = false;
    })();

    const random = seeded(42);
    aggregator = await startAggregator();
    for (let kill = 0; kill < 4; kill += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200 + random() * 600));
      expect(await aggregator.stop("SIGKILL")).toBe("SIGKILL");
      aggregator = await startAggregator();
    }
    await writer;
    expect(writing).toBe(false);
    const tail = new EventTail(db.sql);
    await waitFor(() => tail.pending(), (pending) => pending === 0, { timeoutMs: 60_000, what: "the aggregator to catch up" });

    const metrics = await (await fetch(`http://127.0.0.1:${aggregator.port}/metrics`)).text();
    expect(metrics).toMatch(/^analytics_aggregation_lag_seconds\{[^}]*\} \d/m);
    expect(await aggregator.stop("SIGTERM")).toBe(0);

    const [cursor] = await db.sql<{ n: string }[]>`select events_folded::text as n from aggregation_cursors`;
    expect(Number(cursor!.n)).toBe(10_000);
    const audit = await auditRollups(db.sql, TEST_PLAN);
    expect(audit.mismatches).toEqual([]);
    expect(audit.maxPercentileRelError).toBeLessThanOrEqual(0.01);
  });
});
