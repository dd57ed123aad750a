import { startTcpProxy, type TcpProxy, waitFor } from "@trading-analytics/core/testing";
import type { AppProcess } from "@trading-analytics/core/testing";
import { IngesterHarness, makeEvents, sleep } from "./testing/ingester-harness";

const OUTAGE_MS = 10_000;

interface Readiness {
  status: number;
  database: string | undefined;
}

async function readiness(replica: AppProcess): Promise<Readiness> {
  const response = await fetch(`http://127.0.0.1:${replica.port}/ready`);
  const report = (await response.json()) as { checks?: Record<string, { status: string }> };
  return { status: response.status, database: report.checks?.database?.status };
}

function isAlive(replica: AppProcess): boolean {
  return replica.child.exitCode === null && replica.child.signalCode === null;
}

/**
 * The ingester reaches PostgreSQL through a TCP proxy the test can cut, as a database
 * failover or a network partition would: the process must wait it out, not exit, not lose
 * or duplicate events, and say it is not ready meanwhile.
 */
describe("ingester during a database outage", () => {
  let harness: IngesterHarness;
  let proxy: TcpProxy;
  let replica: AppProcess;

  beforeAll(async () => {
    // Production session settings: the write retry backs off up to 10 s between heartbeats.
    harness = await IngesterHarness.create({ prefix: "db_outage", partitions: 3, fastGroup: false });
    const direct = new URL(harness.db.url);
    proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(harness.db.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    replica = await harness.startReplica({ DATABASE_URL: proxied.toString(), DB_MAX_CONNECTIONS: "2" });
  });

  afterAll(async () => {
    await harness?.cleanup();
    await proxy?.close();
  });

  it("stores every event once after a 10 s outage, and is not ready while it lasts", async () => {
    const before = makeEvents(3000, 3);
    await harness.produce(before);
    await harness.waitUntilCaughtUp();

    proxy.cut();
    const outageEnds = Date.now() + OUTAGE_MS;
    const during = makeEvents(6000, 3);
    const producing = (async () => {
      // Spread over the outage, so batches arrive while writes are failing.
      for (let i = 0; i < 6; i++) {
        await harness.produce(during.slice(i * 1000, (i + 1) * 1000));
        await sleep(1000);
      }
    })();
    await waitFor(
      () => readiness(replica),
      (ready) => ready.status === 503 && ready.database === "down",
      { timeoutMs: 5000, what: "/ready to report the database down" },
    );
    const samples: Readiness[] = [];
    while (Date.now() < outageEnds) {
      samples.push(await readiness(replica));
      await sleep(250);
    }
    await producing;
    expect(samples.length).toBeGreaterThan(3);
    expect(samples.filter((sample) => sample.status !== 503 || sample.database !== "down")).toEqual([]);
    expect(isAlive(replica)).toBe(true);
    // Nothing can have been written while cut off (the test reads the database directly).
    expect((await harness.counts()).rows).toBe(before.length);

    proxy.restore();
    await waitFor(() => readiness(replica), (ready) => ready.status === 200, { timeoutMs: 30_000, what: "/ready to recover" });
    // The write retry backs off up to 10 s, so the first write after the outage can lag it that much.
    await harness.waitUntilCaughtUp(45_000);

    const all = [...before, ...during];
    expect(await harness.counts()).toEqual({ rows: all.length, distinct: all.length });
    expect(await harness.missing(all.map((event) => event.id))).toEqual([]);
    expect(isAlive(replica)).toBe(true);
  }, 120_000);
});
