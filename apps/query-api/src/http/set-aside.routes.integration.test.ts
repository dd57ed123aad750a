import { randomUUID } from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { SetAsideEventsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { buildOpenApiDocument } from "../openapi/openapi-document";
import { createTestApp } from "../test-app";
import { decodeSetAsideCursor, encodeSetAsideCursor } from "./set-aside.routes";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(buildOpenApiDocument(), "openapi");
const documented = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1aggregation~1set-aside/get/responses/200/content/application~1json/schema" });

describe("GET /api/v1/aggregation/set-aside", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;
  const ids = Array.from({ length: 5 }, () => randomUUID());

  beforeAll(async () => {
    db = await createTestDatabase("set_aside_routes");
    await new SetAsideEventsRepository(db.sql).record(
      db.sql,
      ids.map((eventId, i) => ({
        eventId,
        eventTime: new Date(Date.now() - 60_000 * i),
        eventType: "order.filled",
        reason: i === 4 ? ("fold_failed" as const) : ("measure_out_of_range" as const),
        detail: i === 4 ? "RangeError: Invalid array length" : "price=1e+200 is beyond ±1000000000000000",
      })),
    );
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  it("lists set-aside events with their reason and detail, page by page, as documented", async () => {
    const first = await request(setup.app).get("/api/v1/aggregation/set-aside?limit=3");
    expect(first.status).toBe(200);
    expect(documented(first.body) ? [] : documented.errors).toEqual([]);
    expect(first.body.count).toBe(3);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await request(setup.app).get("/api/v1/aggregation/set-aside").query({ limit: 3, cursor: first.body.next_cursor });
    expect(second.body.error).toBeUndefined();
    expect(second.body.count).toBe(2);
    expect(second.body.next_cursor).toBeNull();
    const listed = [...first.body.events, ...second.body.events].map((e: { event_id: string }) => e.event_id);
    expect([...listed].sort()).toEqual([...ids].sort());
    expect(first.body.events[0]).toMatchObject({ event_type: "order.filled", reason: expect.any(String), detail: expect.any(String) });
  });

  it("filters by reason and by when events were set aside", async () => {
    const failed = await request(setup.app).get("/api/v1/aggregation/set-aside?reason=fold_failed");
    expect(failed.body.events).toEqual([expect.objectContaining({ event_id: ids[4], reason: "fold_failed", detail: "RangeError: Invalid array length" })]);
    const past = await request(setup.app).get("/api/v1/aggregation/set-aside").query({ start_time: "2020-01-01T00:00:00Z", end_time: "2020-01-02T00:00:00Z" });
    expect(past.body).toMatchObject({ count: 0, events: [], next_cursor: null });
  });

  it("answers 400 naming the parameter for a bad reason, limit, range or tampered cursor", async () => {
    const tampered = Buffer.from("99999-01-01 00:00:00+00|x", "utf8").toString("base64url");
    for (const [query, field] of [
      ["reason=bogus", "reason"],
      ["limit=0", "limit"],
      ["limit=5000", "limit"],
      [`cursor=${tampered}`, "cursor"],
      ["cursor=%25%25%25", "cursor"],
      ["start_time=2020-01-01T00:00:00Z&end_time=2024-01-01T00:00:00Z", "start_time"],
      ["colour=red", "colour"],
    ] as const) {
      const res = await request(setup.app).get(`/api/v1/aggregation/set-aside?${query}`);
      expect([query, res.status, res.body.field]).toEqual([query, 400, field]);
    }
  });
});

describe("set-aside cursors", () => {
  it("round-trip PostgreSQL's microsecond time text and refuse anything else", () => {
    const position = { at: "2026-12-07 03:10:11.123456+00", eventId: randomUUID() };
    expect(decodeSetAsideCursor(encodeSetAsideCursor(position))).toEqual(position);
    expect(decodeSetAsideCursor(encodeSetAsideCursor({ ...position, at: "0000-01-01 00:00:00+00" }))).toBeUndefined();
    expect(decodeSetAsideCursor(encodeSetAsideCursor({ ...position, eventId: "'; drop table x" }))).toBeUndefined();
    expect(decodeSetAsideCursor("")).toBeUndefined();
    for (const at of ["2024-13-45 00:00:00+00", "2023-02-29 00:00:00+00", "2024-01-01 24:00:00+00", "2024-01-01 00:00:00+99"]) {
      expect(decodeSetAsideCursor(encodeSetAsideCursor({ ...position, at }))).toBeUndefined();
    }
    expect(decodeSetAsideCursor(encodeSetAsideCursor({ ...position, at: "2024-02-29 23:59:59.123456+00" }))).toEqual({ ...position, at: "2024-02-29 23:59:59.123456+00" });
  });
});
