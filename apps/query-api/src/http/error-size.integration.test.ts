import request from "supertest";
import { createSql } from "@trading-analytics/core";
import { TEST_DATABASE_URL } from "@trading-analytics/core/testing";
import { createTestApp, testConfig } from "../test-app";

// A body refused before anything is read or written: the database is never asked.
describe("error answers stay small whatever the body", () => {
  const sql = createSql({ ...testConfig().database, url: TEST_DATABASE_URL }, { applicationName: "error-size-test", max: 1 });
  const { app } = createTestApp(sql);

  afterAll(() => sql.end({ timeout: 1 }));

  it("answers an event with 300k unknown keys with the first 20 fields and a count, in a few KB", async () => {
    const body: Record<string, unknown> = { event_type: "page.view" };
    for (let index = 0; index < 300_000; index++) body[`k${index}`] = 1;
    const res = await request(app).post("/api/v1/events").send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_event");
    expect(res.body.fields).toHaveLength(20);
    expect(res.body.fields[0].field).toBe("k0");
    expect(res.body.fields_omitted).toBe(300_000 - 20);
    expect(res.text.length).toBeLessThan(8 * 1024);
  });
});
