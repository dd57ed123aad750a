import { randomUUID } from "node:crypto";
import { waitFor } from "@trading-analytics/core/testing";
import { IngesterHarness, latestAssignment, makeEvents, scrapeCounter, type TestEvent } from "./testing/ingester-harness";

/**
 * Exactly-once storage by real ingester processes on the real Kafka and PostgreSQL: whatever
 * Kafka re-delivers (producer retries, rebalances, crashes), each event id is stored once.
 * Every test gets its own database, topic and consumer group.
 */
describe("ingester exactly-once storage", () => {
  let harness: IngesterHarness | undefined;

  // Per test rather than per file: replicas of a finished test must not compete for the CPU.
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  async function expectStoredOnce(events: TestEvent[]): Promise<void> {
    const counts = await harness!.counts();
    expect(counts).toEqual({ rows: events.length, distinct: events.length });
    expect(await harness!.missing(events.map((event) => event.id))).toEqual([]);
  }

  it("stores an event once when the same message is sent twice", async () => {
    harness = await IngesterHarness.create({ prefix: "exactly_once_dup", partitions: 3 });
    const events = makeEvents(300, 3);
    await harness.produce(events);
    // The same bytes again, as a producer retry would send them: to the same partition, and
    // to another one (a message without a key can land anywhere).
    await harness.produce(events.slice(0, 100));
    await harness.produce(events.slice(100, 200).map((event) => ({ ...event, partition: (event.partition + 1) % 3 })));
    await harness.startReplica();

    await harness.waitUntilCaughtUp();
    await expectStoredOnce(events);
  });

  it("stores an event once when the same message without a timestamp is sent twice", async () => {
    harness = await IngesterHarness.create({ prefix: "exactly_once_dup_no_time", partitions: 1 });
    const id = randomUUID();
    // No timestamp: the ingester falls back to the Kafka message time, which differs between
    // the two sends of a producer retry; the event id alone says they are one event.
    const value = JSON.stringify({ event_id: id, event_type: "page.view", user_id: "user-1", properties: { path: "/" } });
    const sentAt = Date.now() - 10_000;
    await harness.produceOne(value, 0, sentAt);
    await harness.produceOne(value, 0, sentAt + 1000);
    await harness.startReplica();

    await harness.waitUntilCaughtUp();
    expect(await harness.counts()).toEqual({ rows: 1, distinct: 1 });
  });

  it("stores each event once when a stalled replica's partitions move to a new replica and it then resumes", async () => {
    // A backlog A cannot store while it starts: on a quiet machine 40,000 were all stored before
    // the first count, and B then had nothing left to take over.
    const n = 200_000;
    harness = await IngesterHarness.create({ prefix: "exactly_once_rebalance", partitions: 4 });
    const events = makeEvents(n, 4);
    await harness.produce(events);
    const a = await harness.startReplica();
    const frozenAt = await harness.waitForRows((rows) => rows >= n * 0.05, "replica A to store 5% of the backlog", 30_000, 20);
    // Freeze A mid-batch: what it read but has not committed must be re-delivered to B once
    // A's session expires and B takes its partitions.
    a.child.kill("SIGSTOP");
    const b = await harness.startReplica();
    // B waits out A's 6 s session and a rebalance before it stores anything: 10-25 s on this
    // machine, past 30 s once when other work loaded it.
    await harness.waitForRows((rows) => rows >= frozenAt + 2000, "replica B to take over the backlog", 60_000);
    // A wakes up holding a batch from a generation that no longer exists, then rejoins.
    a.child.kill("SIGCONT");
    await harness.waitUntilCaughtUp(60_000);

    await expectStoredOnce(events);
    expect(frozenAt).toBeLessThan(n);
    expect(await scrapeCounter(b, "analytics_events_ingested_total")).toBeGreaterThan(0);
    // Both are still consuming members: a replica whose consumer died would idle forever.
    for (const replica of [a, b]) {
      const ready = await fetch(`http://127.0.0.1:${replica.port}/ready`);
      expect({ status: ready.status, report: await ready.json() }).toMatchObject({ status: 200 });
    }
  }, 180_000);

  it("stores each event once when the ingester is SIGKILLed mid-batch and restarted", async () => {
    const n = 50_000;
    harness = await IngesterHarness.create({ prefix: "exactly_once_kill", partitions: 3 });
    const events = makeEvents(n, 3);
    await harness.produce(events);

    // Two crashes at different points of the backlog, each followed by a fresh process (each
    // restart waits out the dead member's 6 s session, so more kills only cost time).
    // A kill can land after the last row when the poll that saw the fraction was late (a loaded
    // machine): that run still checks the restart, and at least one kill must land mid-stream.
    const seen: number[] = [];
    for (const fraction of [0.2, 0.6]) {
      const replica = await harness.startReplica();
      seen.push(await harness.waitForRows((stored) => stored >= n * fraction, `${fraction * 100}% stored`, 30_000, 20));
      await replica.stop("SIGKILL");
    }
    expect(Math.min(...seen)).toBeLessThan(n);
    await harness.startReplica();
    await harness.waitUntilCaughtUp(60_000);

    await expectStoredOnce(events);
  }, 120_000);

  it("stores each event once when two replicas split the partitions", async () => {
    const n = 10_000;
    harness = await IngesterHarness.create({ prefix: "exactly_once_split", partitions: 4 });
    const [a, b] = await Promise.all([harness.startReplica({ LOG_LEVEL: "info" }), harness.startReplica({ LOG_LEVEL: "info" })]);
    // Produce only once the group has settled on a split, so both replicas own partitions with work.
    await waitFor(async () => [latestAssignment(a!), latestAssignment(b!)], ([x, y]) => isSplit(x, y, 4), {
      timeoutMs: 30_000,
      what: "the two replicas to split the 4 partitions",
    });
    const events = makeEvents(n, 4);
    await harness.produce(events);

    await harness.waitUntilCaughtUp();
    await expectStoredOnce(events);
    const ingested = [await scrapeCounter(a!, "analytics_events_ingested_total"), await scrapeCounter(b!, "analytics_events_ingested_total")];
    expect(ingested[0]).toBeGreaterThan(0);
    expect(ingested[1]).toBeGreaterThan(0);
    expect(ingested[0]! + ingested[1]!).toBe(n);
  }, 90_000);

  it("exits 0 on SIGTERM with everything stored and every offset committed", async () => {
    const n = 10_000;
    harness = await IngesterHarness.create({ prefix: "exactly_once_sigterm", partitions: 3 });
    const events = makeEvents(n, 3);
    await harness.produce(events);
    const replica = await harness.startReplica();
    // SIGTERM as soon as the last row lands: the last commit may still be in flight.
    await harness.waitForRows((rows) => rows >= n, `${n} stored`, 30_000, 20);

    expect(await replica.stop("SIGTERM")).toBe(0);
    await expectStoredOnce(events);
    expect(await harness.committedOffsets()).toEqual(await harness.endOffsets());
  }, 90_000);

  it("commits exactly what it stored when SIGTERMed mid-backlog", async () => {
    // Large enough that a fast machine cannot store it all between the signal and the drain
    // (30,000 at 30 % once was: the backlog was gone before SIGTERM took effect).
    const n = 90_000;
    harness = await IngesterHarness.create({ prefix: "exactly_once_sigterm_busy", partitions: 3 });
    await harness.produce(makeEvents(n, 3));
    const replica = await harness.startReplica();
    await harness.waitForRows((rows) => rows >= n * 0.1, "10% stored", 30_000, 20);

    expect(await replica.stop("SIGTERM")).toBe(0);
    const stored = await harness.rowsByPartition();
    expect([...stored.values()].reduce((sum, rows) => sum + rows, 0n)).toBeLessThan(BigInt(n));
    // Offsets start at 0 and every message is a distinct event, so per partition the committed
    // offset must equal the rows stored from it: nothing stored uncommitted, nothing committed unstored.
    expect(await harness.committedOffsets()).toEqual(stored);
  }, 90_000);
});

/** Both replicas own partitions, none twice, and together all of them. */
function isSplit(a: number[] | undefined, b: number[] | undefined, partitions: number): boolean {
  if (!a?.length || !b?.length) return false;
  const all = new Set([...a, ...b]);
  return all.size === a.length + b.length && all.size === partitions;
}
