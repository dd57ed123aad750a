import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, RollupsRepository, runMigrations, SessionFiguresReader, type SessionFigures } from "@trading-analytics/core";
import { createTestDatabase, migrateBefore, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";
import { auditUserSessions } from "./verify/user-sessions-audit";

const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;
const LATENESS = `${TEST_PLAN.allowedLatenessMs} milliseconds`;

function at(second: number, eventType: string, userId: string | null, sessionId: string | null, receivedLateMs = 0): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return { eventId: randomUUID(), eventType, userId, sessionId, properties: {}, timestamp, receivedAt: new Date(timestamp.getTime() + receivedLateMs), source: null };
}

/** session_figures() computed independently: plain SQL over the raw events the aggregator folds. */
async function figuresBySql(db: TestDatabase, from: Date, to: Date): Promise<SessionFigures> {
  const [row] = await db.sql<Record<string, number | null>[]>`
    with ev as (
      select user_id, session_id, event_type, "timestamp" as t from events
      where session_id is not null and created_at - "timestamp" <= ${LATENESS}::interval
        and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")),
    s as (
      select user_id, min(t) as started, max(t) as ended, count(*) as n,
             min(t) filter (where event_type in ('user.login', 'user_login')) as login,
             min(t) filter (where event_type = 'order.placed') as first_order
      from ev group by user_id, session_id)
    select count(*)::int as sessions, count(distinct user_id)::int as users,
           percentile_cont(0.5) within group (order by extract(epoch from ended - started)) as d50,
           percentile_cont(0.95) within group (order by extract(epoch from ended - started)) as d95,
           avg(n)::float8 as n_avg,
           percentile_cont(0.5) within group (order by n) as n50,
           percentile_cont(0.95) within group (order by n) as n95,
           count(*) filter (where first_order >= login)::int as lo_n,
           percentile_cont(0.5) within group (order by extract(epoch from first_order - login)) filter (where first_order >= login) as lo50,
           percentile_cont(0.95) within group (order by extract(epoch from first_order - login)) filter (where first_order >= login) as lo95
    from s where started >= ${from} and started < ${to}`;
  const r = row!;
  return {
    sessions: r.sessions!,
    users: r.users!,
    durationS: { p50: r.d50!, p95: r.d95! },
    eventsPerSession: { avg: r.n_avg!, p50: r.n50!, p95: r.n95! },
    loginToFirstOrderS: { count: r.lo_n!, p50: r.lo50!, p95: r.lo95! },
  };
}

/** Figures rounded to 1e-9: both sides compute with doubles, in orders of their own. */
function rounded(figures: SessionFigures): SessionFigures {
  return JSON.parse(JSON.stringify(figures, (_, value: unknown) => (typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value))) as SessionFigures;
}

async function tableRows(db: TestDatabase) {
  return db.sql`select * from user_sessions order by session_id, user_id nulls first`.then((rows) => rows.map(({ updated_at: _, ...row }) => row));
}

describe("user sessions (user_sessions)", () => {
  describe("a hand-computed fixture: duplicates, out-of-order, late and too-late events over three cycles", () => {
    let db: TestDatabase;
    let reader: SessionFiguresReader;
    const firstPageView = at(5, "page.view", "u1", "s1");
    const CYCLES: AnalyticsEvent[][] = [
      [
        at(0, "user.login", "u1", "s1"),
        firstPageView,
        at(10, "button.click", "u1", "s1"),
        at(95, "order.placed", "u2", "s2"), // before the login of its session
        at(3, "page.view", null, "s1"), // no user: a session of its own
        at(4, "page.view", "u1", null), // no session: in none
      ],
      [
        firstPageView, // a re-delivered copy: storage keeps one
        at(30, "order.placed", "u1", "s1"),
        at(60, "user.logout", "u1", "s1"),
        at(100, "user_login", "u2", "s2"), // NexusCore's login
        at(130, "page.view", "u2", "s2"),
      ],
      [
        at(40, "order.filled", "u1", "s1"),
        at(-20, "page.view", "u1", "s1", HOUR), // late, within the allowed lateness: the session started earlier
        at(70, "button.click", "u1", "s1", 2 * DAY_MS), // stored past the allowed lateness: not folded
        at(250, "order.placed", "u1", "s3"),
        at(212, "order.placed", "u1", "s3"),
        at(200, "user.login", "u1", "s3"),
      ],
    ];
    const t = (second: number) => new Date(MINUTE + second * 1000);

    beforeAll(async () => {
      db = await createTestDatabase("user_sessions");
      const cycle = testCycle(db.sql);
      for (const events of CYCLES) {
        await storeEvents(db.sql, events);
        await drain(cycle);
      }
      reader = new SessionFiguresReader(db.sql);
    });

    afterAll(() => db?.drop());

    it("keeps one row per (user_id, session_id) with its span, login, logout, first order and counts", async () => {
      const base = { logout_at: null, order_fills: 0, page_views: 0, button_clicks: 0, login_to_first_order_seconds: null };
      expect(await tableRows(db)).toEqual([
        { ...base, user_id: null, session_id: "s1", started_at: t(3), ended_at: t(3), event_count: 1, login_at: null, first_order_at: null, orders_placed: 0, page_views: 1, duration_seconds: 0 },
        {
          user_id: "u1", session_id: "s1", started_at: t(-20), ended_at: t(60), event_count: 7, login_at: t(0), logout_at: t(60), first_order_at: t(30),
          orders_placed: 1, order_fills: 1, page_views: 2, button_clicks: 1, duration_seconds: 80, login_to_first_order_seconds: 30,
        },
        { ...base, user_id: "u2", session_id: "s2", started_at: t(95), ended_at: t(130), event_count: 3, login_at: t(100), first_order_at: t(95), orders_placed: 1, page_views: 1, duration_seconds: 35 },
        { ...base, user_id: "u1", session_id: "s3", started_at: t(200), ended_at: t(250), event_count: 3, login_at: t(200), first_order_at: t(212), orders_placed: 2, duration_seconds: 50, login_to_first_order_seconds: 12 },
      ]);
    });

    it("computes the figures of the sessions started in the range, as hand-computed and as plain SQL over the events", async () => {
      const range = { from: t(-60), to: t(300) };
      const figures = await reader.figures(range);
      // Durations 0, 35, 50, 80 s; events 1, 3, 3, 7; login to first order 30 and 12 s (s2 ordered before its login).
      expect(rounded(figures)).toEqual({
        sessions: 4,
        users: 2,
        durationS: { p50: 42.5, p95: 75.5 },
        eventsPerSession: { avg: 3.5, p50: 3, p95: 6.4 },
        loginToFirstOrderS: { count: 2, p50: 21, p95: 29.1 },
      });
      expect(rounded(figures)).toEqual(rounded(await figuresBySql(db, range.from, range.to)));
      // A session counts in the range it started in: u1/s1 started at -20 s.
      const later = { from: t(0), to: t(300) };
      expect((await reader.figures(later)).sessions).toBe(3);
      expect(rounded(await reader.figures(later))).toEqual(rounded(await figuresBySql(db, later.from, later.to)));
    });

    it("answers nulls without sessions", async () => {
      expect(await reader.figures({ from: t(1000), to: t(2000) })).toEqual({
        sessions: 0,
        users: 0,
        durationS: { p50: null, p95: null },
        eventsPerSession: { avg: null, p50: null, p95: null },
        loginToFirstOrderS: { count: 0, p50: null, p95: null },
      });
    });

    it("matches plain SQL over the raw events, column by column, and the audit sees a row changed behind its back", async () => {
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
      await db.sql`update user_sessions set event_count = 8 where user_id = 'u1' and session_id = 's1'`;
      try {
        expect((await auditUserSessions(db.sql, TEST_PLAN.allowedLatenessMs)).mismatches).toEqual([
          { table: "user_sessions", userId: "u1", sessionId: "s1", columns: { event_count: { stored: 8, exact: 7 } } },
        ]);
      } finally {
        await db.sql`update user_sessions set event_count = 7 where user_id = 'u1' and session_id = 's1'`;
      }
    });

    it("is refolded to the same rows by a rebuild of the day, and a damaged row is repaired", async () => {
      const before = await tableRows(db);
      await db.sql`update user_sessions set page_views = 99 where session_id = 's2'`;
      await db.sql`delete from user_sessions where session_id = 's3'`;
      const rebuilt = await new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN)).rebuildDay(new Date(MINUTE));
      expect(rebuilt.sessions).toBe(4); // every session of the day, s3 too though its row was gone
      expect(await tableRows(db)).toEqual(before);
    });
  });

  describe("many sessions across midnight, stored shuffled in random batches with re-delivered copies", () => {
    let db: TestDatabase;
    let reader: SessionFiguresReader;
    const MIDNIGHT = Date.UTC(2026, 10, 24);
    const TYPES = ["page.view", "page.view", "button.click", "order.placed", "order.filled", "signal.generated"];

    beforeAll(async () => {
      db = await createTestDatabase("user_sessions_random");
      const random = seeded(25);
      const events: AnalyticsEvent[] = [];
      for (let i = 0; i < 150; i += 1) {
        const userId = random() < 0.05 ? null : `u${Math.floor(random() * 20)}`;
        let time = MIDNIGHT - 6 * HOUR + Math.floor(random() * 12 * HOUR);
        const event = (eventType: string): AnalyticsEvent => {
          time += Math.floor(random() * 90_000);
          // A few are stored past the allowed lateness, a few late but within it.
          const lateMs = random() < 0.03 ? 2 * DAY_MS : random() < 0.1 ? HOUR : 50;
          return { eventId: randomUUID(), eventType, userId, sessionId: `s${i}`, properties: {}, timestamp: new Date(time), receivedAt: new Date(time + lateMs), source: null };
        };
        if (random() < 0.8) events.push(event(random() < 0.2 ? "user_login" : "user.login"));
        for (let n = 1 + Math.floor(random() * 12); n > 0; n -= 1) events.push(event(TYPES[Math.floor(random() * TYPES.length)]!));
        if (random() < 0.5) events.push(event("user.logout"));
      }
      const shuffled = events.map((event) => ({ event, key: random() })).sort((a, b) => a.key - b.key).map(({ event }) => event);
      const cycle = testCycle(db.sql, { maxEvents: 150 });
      for (let start = 0; start < shuffled.length; ) {
        const size = 1 + Math.floor(random() * 200);
        const copies = shuffled.slice(0, start).filter(() => random() < 0.03);
        await storeEvents(db.sql, [...shuffled.slice(start, start + size), ...copies]);
        await drain(cycle);
        start += size;
      }
      reader = new SessionFiguresReader(db.sql);
    });

    afterAll(() => db?.drop());

    const ranges = [
      { from: new Date(MIDNIGHT - DAY_MS), to: new Date(MIDNIGHT + DAY_MS) },
      { from: new Date(MIDNIGHT - DAY_MS), to: new Date(MIDNIGHT) },
      { from: new Date(MIDNIGHT), to: new Date(MIDNIGHT + DAY_MS) },
      { from: new Date(MIDNIGHT - HOUR), to: new Date(MIDNIGHT + HOUR) },
    ];

    it("matches plain SQL over the raw events, row by row and figure by figure", async () => {
      const audit = await auditUserSessions(db.sql, TEST_PLAN.allowedLatenessMs);
      expect(audit.mismatches).toEqual([]);
      expect(audit.rowsCompared).toBeGreaterThan(140);
      for (const range of ranges) expect(rounded(await reader.figures(range))).toEqual(rounded(await figuresBySql(db, range.from, range.to)));
      expect((await reader.figures(ranges[0]!)).loginToFirstOrderS.count).toBeGreaterThan(0);
    });

    it("stays exact after a rebuild of one of the two days (sessions across midnight refolded whole)", async () => {
      const before = await tableRows(db);
      const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN));
      await rebuild.rebuildDay(new Date(MIDNIGHT));
      expect(await tableRows(db)).toEqual(before);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });
  });

  it("is filled on upgrade from the events an older release already folded, not those it recorded as late", async () => {
    const db = await createTestDatabase("user_sessions_upgrade", { migrate: false });
    try {
      await migrateBefore(db.sql, 25);
      const folded = [at(0, "user.login", "u1", "s1"), at(9, "order.placed", "u1", "s1"), at(20, "page.view", "u2", "s2")];
      const late = at(-30, "page.view", "u1", "s1", 2 * DAY_MS);
      await storeEvents(db.sql, [...folded, late]);
      // As the older aggregator left it: all of them below the cursor, the late one recorded as such.
      await db.sql`update aggregation_cursors set next_xid = pg_current_xact_id() where name = 'rollups'`;
      await db.sql`insert into late_events (event_id, event_type, event_time, received_at) values (${late.eventId}, 'page.view', ${late.timestamp}, ${late.receivedAt})`;
      const waiting = at(30, "page.view", "u1", "s1"); // stored after the cursor: the new aggregator folds it
      await storeEvents(db.sql, [waiting]);
      await runMigrations(db.sql);
      expect(await db.sql`select user_id, session_id, event_count, login_at, first_order_at from user_sessions order by session_id`).toEqual([
        { user_id: "u1", session_id: "s1", event_count: 2, login_at: new Date(MINUTE), first_order_at: new Date(MINUTE + 9000) },
        { user_id: "u2", session_id: "s2", event_count: 1, login_at: null, first_order_at: null },
      ]);
      await drain(testCycle(db.sql));
      expect((await auditUserSessions(db.sql, TEST_PLAN.allowedLatenessMs)).mismatches).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
