import { randomUUID } from "node:crypto";
import { Registry } from "prom-client";
import {
  type AnalyticsEvent,
  countBy,
  createLogger,
  type EventPartitionsRepository,
  type EventsRepository,
  type InsertResult,
} from "@trading-analytics/core";
import { createIngesterMetrics } from "@trading-analytics/metrics";
import { EventWriter, type WriteRequest } from "./event-writer";

// The writer against fake repositories: what it coalesces, when each chunk's promise settles and
// what it is told. event-writer.integration.test.ts checks the same against PostgreSQL.

const DAY_MS = 86_400_000;

function event(overrides: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType: "page.view",
    userId: "u1",
    sessionId: null,
    properties: {},
    timestamp: new Date("2026-12-07T10:00:00Z"),
    receivedAt: new Date("2026-12-07T10:00:01Z"),
    source: null,
    ...overrides,
  };
}

/** A few turns of the event loop: the writer's deferred pump and its first awaits have run. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

const events = (n: number, overrides: Partial<AnalyticsEvent> = {}) => Array.from({ length: n }, () => event(overrides));

interface Chunk extends WriteRequest {
  giveUp(): void;
  heartbeats: number;
}

function chunk(list: AnalyticsEvent[]): Chunk {
  let gone = false;
  const request: Chunk = {
    events: list,
    abandoned: () => gone,
    heartbeat: async () => {
      request.heartbeats++;
    },
    giveUp: () => {
      gone = true;
    },
    heartbeats: 0,
  };
  return request;
}

/** A database whose transactions succeed unless `fail` says otherwise; each write is logged. */
function fakeDatabase() {
  const log: string[] = [];
  const copies: AnalyticsEvent[][] = [];
  const db = {
    log,
    copies,
    inFlight: 0,
    maxInFlight: 0,
    fail: (_events: AnalyticsEvent[]) => false,
    result: (batch: AnalyticsEvent[]): InsertResult => ({ inserted: batch.length, insertedByType: countBy(batch, (event) => event.eventType) }),
    /** Resolves each transaction only when released, when set. */
    hold: undefined as undefined | Promise<void>,
    events: {
      async copyMany(batch: AnalyticsEvent[]): Promise<InsertResult> {
        log.push(`copy ${batch.length}`);
        copies.push(batch);
        db.inFlight++;
        db.maxInFlight = Math.max(db.maxInFlight, db.inFlight);
        try {
          if (db.hold) await db.hold;
          if (db.fail(batch)) throw new Error("could not serialize access");
          return db.result(batch);
        } finally {
          db.inFlight--;
        }
      },
    },
    partitions: {
      async ensureForTimes(times: Date[]): Promise<void> {
        log.push(`partitions ${times.map((time) => time.toISOString().slice(0, 10)).join(",")}`);
      },
    },
  };
  return db;
}


function writerOn(db: ReturnType<typeof fakeDatabase>, options = { maxEventsPerWrite: 100, maxInFlight: 1 }) {
  const registry = new Registry();
  const writer = new EventWriter(
    {
      events: db.events as unknown as EventsRepository,
      partitions: db.partitions as unknown as EventPartitionsRepository,
      metrics: createIngesterMetrics(registry),
      logger: createLogger({ level: "error", format: "json" }, "test"),
    },
    options,
  );
  const transientFailures = async () => {
    const failed = await registry.getSingleMetric("analytics_events_failed_total")!.get();
    return failed.values.find((v) => v.labels.reason === "transient")?.value ?? 0;
  };
  return { writer, transientFailures };
}

describe("EventWriter", () => {
  it("resolves an empty chunk at once, without a transaction", async () => {
    const db = fakeDatabase();
    const { writer } = writerOn(db);
    expect(await writer.write(chunk([]))).toEqual({ inserted: 0, insertedByType: new Map() });
    expect(db.log).toEqual([]);
  });

  it("coalesces chunks submitted together into transactions of at most maxEventsPerWrite, never splitting a chunk", async () => {
    const db = fakeDatabase();
    const { writer } = writerOn(db);
    const sizes = [30, 30, 30, 30, 150];
    const results = await Promise.all(sizes.map((n) => writer.write(chunk(events(n)))));
    expect(results.map((result) => result?.inserted)).toEqual(sizes);
    // The first three fit in 100, the fourth goes on its own, and the oversized fifth whole.
    expect(db.copies.map((batch) => batch.length)).toEqual([90, 30, 150]);
  });

  it("keeps at most maxInFlight transactions open at once", async () => {
    const db = fakeDatabase();
    let release!: () => void;
    db.hold = new Promise((resolve) => (release = resolve));
    const { writer } = writerOn(db, { maxEventsPerWrite: 10, maxInFlight: 2 });
    const pending = [1, 2, 3].map(() => writer.write(chunk(events(10))));
    await turns();
    expect(db.copies).toHaveLength(2);
    release();
    await Promise.all(pending);
    expect(db.copies).toHaveLength(3);
    expect(db.maxInFlight).toBe(2);
  });

  it("resolves a chunk only once its transaction has committed", async () => {
    const db = fakeDatabase();
    let release!: () => void;
    db.hold = new Promise((resolve) => (release = resolve));
    const { writer } = writerOn(db);
    let settled = false;
    const result = writer.write(chunk(events(3))).then((value) => {
      settled = true;
      return value;
    });
    await turns();
    expect(db.copies).toHaveLength(1);
    expect(settled).toBe(false);
    release();
    expect(await result).toMatchObject({ inserted: 3 });
  });

  it("makes sure each UTC day's partition exists before storing a write's events", async () => {
    const db = fakeDatabase();
    const { writer } = writerOn(db);
    const day = new Date("2026-12-07T23:59:59Z").getTime();
    const times = [day, day - 3600_000, day + 1000, day - 2 * DAY_MS];
    await writer.write(chunk(times.map((time) => event({ timestamp: new Date(time) }))));
    expect(db.log).toEqual(["partitions 2026-12-07,2026-12-08,2026-12-05", "copy 4"]);
  });

  it("tells each coalesced chunk what was new in it, an id carried twice being new only where first seen", async () => {
    const db = fakeDatabase();
    const { writer } = writerOn(db);
    const old = event();
    const shared = event({ eventType: "user.login" });
    const taken = event();
    const a = [old, shared, event()];
    const b = [{ ...shared }, event({ eventType: "user.login" }), taken];
    db.result = (batch) => {
      const fresh = new Set(batch.map((e) => e.eventId).filter((id) => id !== old.eventId && id !== taken.eventId));
      return { inserted: fresh.size, insertedByType: new Map(), insertedIds: fresh, conflictingIds: new Set([taken.eventId]) };
    };
    const [ra, rb] = await Promise.all([writer.write(chunk(a)), writer.write(chunk(b))]);
    expect(db.copies).toHaveLength(1);
    expect(ra).toEqual({ inserted: 2, insertedByType: new Map([["user.login", 1], ["page.view", 1]]), insertedIds: new Set([shared.eventId, a[2]!.eventId]) });
    expect(rb).toEqual({ inserted: 1, insertedByType: new Map([["user.login", 1]]), insertedIds: new Set([b[1]!.eventId]), conflictingIds: new Set([taken.eventId]) });
  });

  it("counts every event of a coalesced write as new when the database says all were", async () => {
    const db = fakeDatabase();
    const { writer } = writerOn(db);
    const [ra, rb] = await Promise.all([writer.write(chunk(events(2))), writer.write(chunk([event({ eventType: "order.filled" })]))]);
    expect(db.copies).toHaveLength(1);
    expect(ra).toEqual({ inserted: 2, insertedByType: new Map([["page.view", 2]]) });
    expect(rb).toEqual({ inserted: 1, insertedByType: new Map([["order.filled", 1]]) });
  });

  it("retries a failed transaction with back-off, heartbeating for the waiting chunk, until it commits", async () => {
    const db = fakeDatabase();
    let failures = 2;
    db.fail = () => failures-- > 0;
    const { writer, transientFailures } = writerOn(db);
    const request = chunk(events(5));
    const started = Date.now();
    expect(await writer.write(request)).toMatchObject({ inserted: 5 });
    // 100 ms, then 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(db.copies).toHaveLength(3);
    expect(request.heartbeats).toBe(2);
    expect(await transientFailures()).toBe(2);
  });

  it("resolves undefined for a chunk given up during retries, and never writes it again", async () => {
    const db = fakeDatabase();
    db.fail = () => true;
    const { writer } = writerOn(db);
    const request = chunk(events(5));
    const result = writer.write(request);
    await turns();
    request.giveUp();
    expect(await result).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(db.copies).toHaveLength(1);
  });

  it("after a failed coalesced write, retries each chunk on its own, so a bad chunk holds back only itself", async () => {
    const db = fakeDatabase();
    const poison = event();
    db.fail = (batch) => batch.includes(poison);
    const { writer } = writerOn(db);
    const good = chunk(events(3));
    const bad = chunk([event(), poison]);
    const goodResult = writer.write(good);
    const badResult = writer.write(bad);
    expect(await goodResult).toMatchObject({ inserted: 3 });
    expect(db.copies.map((batch) => batch.length)).toEqual([5, 3, 2]);
    bad.giveUp();
    expect(await badResult).toBeUndefined();
  });
});
