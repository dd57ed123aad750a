import express, { type Express } from "express";
import request from "supertest";
import { createLogger, CustomEventDefinitionsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { customEventsRoutes } from "./custom-events.routes";
import { errorHandler, notFound } from "./error.middleware";

describe("/api/v1/custom-events", () => {
  let db: TestDatabase;
  let app: Express;
  let notifications = 0;
  let notifyFails = false;

  const signal = {
    name: "custom.trading.signal",
    display_name: "Trading Signal",
    description: "Custom trading signal event",
    schema: { type: "object", properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } },
    is_active: true,
  };

  beforeAll(async () => {
    db = await createTestDatabase("query_api_custom_events");
    const notifyChanged = async () => {
      notifications++;
      if (notifyFails) throw new Error("redis down");
    };
    app = express();
    app.use(express.json());
    app.use(customEventsRoutes({ definitions: new CustomEventDefinitionsRepository(db.sql), notifyChanged }));
    app.use(notFound());
    app.use(errorHandler(createLogger({ level: "error", format: "json" }, "query-api")));
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    notifications = 0;
    notifyFails = false;
  });

  const expectError = (res: request.Response, status: number, code: string, field?: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, ...(field ? { field } : {}) });
    expect(typeof res.body.error).toBe("string");
  };

  describe("POST", () => {
    it("creates version 1 and answers 201 with the definition, notifying ingesters", async () => {
      const res = await request(app).post("/api/v1/custom-events").send(signal);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...signal, version: 1, created_at: expect.any(String) });
      expect(new Date(res.body.created_at).getTime()).not.toBeNaN();
      expect(notifications).toBe(1);
    });

    it("answers 409 already_exists for a name defined before, active or not", async () => {
      await request(app).post("/api/v1/custom-events").send({ name: "custom.retired.once", schema: {}, is_active: false }).expect(201);
      notifications = 0;
      expectError(await request(app).post("/api/v1/custom-events").send(signal), 409, "already_exists", "name");
      expectError(await request(app).post("/api/v1/custom-events").send({ name: "custom.retired.once", schema: {} }), 409, "already_exists");
      expect(notifications).toBe(0);
    });

    it("still answers 201 when notifying the ingesters fails (their poll catches up)", async () => {
      notifyFails = true;
      const res = await request(app).post("/api/v1/custom-events").send({ ...signal, name: "custom.notify.fails" });
      expect(res.status).toBe(201);
      expect(notifications).toBe(1);
    });

    it.each([
      ["a bad name", { ...signal, name: "Not A Name" }, "name"],
      ["a missing name", { schema: {} }, "name"],
      ["a built-in name", { ...signal, name: "order.placed" }, "name"],
      ["a display_name that is not a string", { ...signal, name: "custom.x", display_name: 1 }, "display_name"],
      ["a non-boolean is_active", { ...signal, name: "custom.x", is_active: "true" }, "is_active"],
      ["a missing schema", { name: "custom.x" }, "schema"],
      ["a schema that is not an object", { name: "custom.x", schema: "object" }, "schema"],
      ["an unknown field", { ...signal, name: "custom.x", version: 3 }, "version"],
    ])("answers 400 naming the field for %s", async (_case, body, field) => {
      expectError(await request(app).post("/api/v1/custom-events").send(body), 400, "invalid_parameter", field);
      expect(notifications).toBe(0);
    });

    it("answers 400 with ajv's message for a schema ajv cannot compile", async () => {
      const res = await request(app)
        .post("/api/v1/custom-events")
        .send({ name: "custom.bad.schema", schema: { type: "nonsense" } });
      expectError(res, 400, "invalid_parameter", "schema");
      expect(res.body.error).toMatch(/^schema is invalid: data\/type must be equal to one of the allowed values/);
      expectError(await request(app).get("/api/v1/custom-events/custom.bad.schema"), 404, "not_found");
    });

    it("answers 400 for a body that is not JSON", async () => {
      const res = await request(app).post("/api/v1/custom-events").set("Content-Type", "application/json").send("{not json");
      expectError(res, 400, "invalid_body", "body");
      expectError(await request(app).post("/api/v1/custom-events").send([signal]), 400, "invalid_parameter", "body");
    });
  });

  describe("GET one", () => {
    it("returns the latest version with every version's state", async () => {
      await request(app).post("/api/v1/custom-events").send({ ...signal, name: "custom.get.me" }).expect(201);
      await request(app).put("/api/v1/custom-events/custom.get.me").send({ schema: {}, display_name: "Second" }).expect(200);
      const res = await request(app).get("/api/v1/custom-events/custom.get.me");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        name: "custom.get.me",
        version: 2,
        display_name: "Second",
        description: null,
        schema: {},
        is_active: true,
        created_at: expect.any(String),
        versions: [
          { version: 1, is_active: false, created_at: expect.any(String) },
          { version: 2, is_active: true, created_at: expect.any(String) },
        ],
      });
    });

    it("answers 404 not_found for a name never defined", async () => {
      expectError(await request(app).get("/api/v1/custom-events/custom.never.defined"), 404, "not_found");
    });
  });

  describe("GET list", () => {
    it("lists active definitions by default and inactive ones on request", async () => {
      await request(app).post("/api/v1/custom-events").send({ name: "custom.list.on", schema: {} }).expect(201);
      await request(app).post("/api/v1/custom-events").send({ name: "custom.list.off", schema: {}, is_active: false }).expect(201);

      const active = await request(app).get("/api/v1/custom-events");
      expect(active.status).toBe(200);
      expect(active.body.count).toBe(active.body.definitions.length);
      const activeNames = active.body.definitions.map((definition: { name: string }) => definition.name);
      expect(activeNames).toContain("custom.list.on");
      expect(activeNames).not.toContain("custom.list.off");
      expect(active.body.definitions.find((definition: { name: string }) => definition.name === "custom.list.on")).toEqual({
        name: "custom.list.on",
        version: 1,
        display_name: null,
        description: null,
        schema: {},
        is_active: true,
        created_at: expect.any(String),
      });

      const all = await request(app).get("/api/v1/custom-events").query({ include_inactive: "true" });
      expect(all.body.definitions.map((definition: { name: string }) => definition.name)).toEqual(expect.arrayContaining(["custom.list.on", "custom.list.off"]));
      expect(all.body.count).toBe(all.body.definitions.length);
    });

    it("answers 400 for an include_inactive that is not true or false", async () => {
      expectError(await request(app).get("/api/v1/custom-events").query({ include_inactive: "yes" }), 400, "invalid_parameter", "include_inactive");
    });
  });

  describe("PUT", () => {
    it("stores a new version with the new fields and notifies", async () => {
      await request(app).post("/api/v1/custom-events").send({ ...signal, name: "custom.put.me" }).expect(201);
      notifications = 0;
      const schema = { type: "object", required: ["strategy"] };
      const res = await request(app).put("/api/v1/custom-events/custom.put.me").send({ name: "custom.put.me", description: "v2", schema });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        name: "custom.put.me",
        version: 2,
        display_name: null,
        description: "v2",
        schema,
        is_active: true,
        created_at: expect.any(String),
      });
      expect(notifications).toBe(1);
    });

    it("answers 404 for a name never defined", async () => {
      expectError(await request(app).put("/api/v1/custom-events/custom.put.unknown").send({ schema: {} }), 404, "not_found");
      expect(notifications).toBe(0);
    });

    it.each([
      ["a body name that differs from the path", "custom.put.me", { name: "custom.other", schema: {} }, "name"],
      ["a bad path name", "Bad.Name", { schema: {} }, "name"],
      ["a built-in path name", "order.filled", { schema: {} }, "name"],
      ["a schema ajv cannot compile", "custom.put.me", { schema: { type: "nonsense" } }, "schema"],
      ["an unknown field", "custom.put.me", { schema: {}, owner: "me" }, "owner"],
    ])("answers 400 naming the field for %s", async (_case, name, body, field) => {
      expectError(await request(app).put(`/api/v1/custom-events/${name}`).send(body), 400, "invalid_parameter", field);
    });
  });

  describe("unsafe schemas", () => {
    it.each([
      ["$async at the root", { $async: true, type: "object" }, /^schema: \$async at \/ is not supported: events are validated synchronously/],
      ["$async in a subschema", { properties: { a: { $async: true } } }, /^schema: \$async at \/properties\/a is not supported/],
      ["a backreference", { properties: { code: { type: "string", pattern: "^(\\w)\\1$" } } }, /^schema: pattern ".+" at \/properties\/code\/pattern is not supported: patterns run on RE2 .*invalid escape sequence/],
      ["a lookahead key of patternProperties", { patternProperties: { "^(?!x)": {} } }, /at \/patternProperties is not supported: patterns run on RE2/],
      ["uniqueItems over unbounded object items", { properties: { list: { type: "array", uniqueItems: true } } }, /^schema: uniqueItems at \/properties\/list needs "maxItems"/],
      ["a remote $ref", { $ref: "https://example.com/schemas/order.json" }, /^schema: \$ref "https:\/\/example.com\/schemas\/order.json" cannot be resolved: a \$ref must point inside the schema itself/],
      ["a schema nested too deep", JSON.parse(`${'{"not":'.repeat(40)}{}${"}".repeat(40)}`), /^schema: nests deeper than 32 levels$/],
      [
        "definitions that each use the next twice",
        {
          properties: { x: { $ref: "#/definitions/d0" } },
          definitions: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, i === 30 ? { type: "number" } : { allOf: [{ $ref: `#/definitions/d${i + 1}` }, { $ref: `#/definitions/d${i + 1}` }] }])),
        },
        /^schema: checking one value against \/properties\/x applies \d+ subschemas once every \$ref is expanded.*at most 10000 are accepted$/,
      ],
      ["a pattern compiling to a large RE2 program", { properties: { s: { type: "string", pattern: "^[a-z]{500}$" } } }, /^schema: pattern "\^\[a-z\]\{500\}\$" at \/properties\/s\/pattern compiles to \d+ RE2 instructions; at most 64 are accepted/],
    ])("refuses %s with 400 naming schema and saying why, storing nothing", async (_case, schema, message) => {
      for (const res of [
        await request(app).post("/api/v1/custom-events").send({ name: "custom.unsafe.schema", schema }),
        await request(app).put("/api/v1/custom-events/custom.put.me").send({ schema }),
      ]) {
        expectError(res, 400, "invalid_parameter", "schema");
        expect(res.body.error).toMatch(message);
      }
      expectError(await request(app).get("/api/v1/custom-events/custom.unsafe.schema"), 404, "not_found");
      expect(notifications).toBe(0);
    });

    it("accepts a pattern RE2 runs in linear time, even one a backtracking engine would not", async () => {
      const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
      await request(app).post("/api/v1/custom-events").send({ name: "custom.linear.pattern", schema }).expect(201);
    });

    it("refuses a second type declaring an active type's $id with 400, and lets the owner's new version keep it", async () => {
      const schema = { $id: "https://example.com/schemas/shared.json", type: "object" };
      await request(app).post("/api/v1/custom-events").send({ name: "custom.id.first", schema }).expect(201);
      const res = await request(app).post("/api/v1/custom-events").send({ name: "custom.id.second", schema });
      expectError(res, 400, "invalid_parameter", "schema");
      expect(res.body.error).toBe(
        "schema: schema $id https://example.com/schemas/shared.json is already declared by the active custom event type custom.id.first",
      );
      expectError(await request(app).get("/api/v1/custom-events/custom.id.second"), 404, "not_found");
      await request(app).put("/api/v1/custom-events/custom.id.first").send({ schema: { ...schema, required: ["a"] } }).expect(200);
    });
  });

  describe("DELETE", () => {
    it("deactivates the latest version, keeps every version, and answers 200 with it", async () => {
      await request(app).post("/api/v1/custom-events").send({ ...signal, name: "custom.delete.me" }).expect(201);
      notifications = 0;
      const res = await request(app).delete("/api/v1/custom-events/custom.delete.me");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "custom.delete.me", version: 1, is_active: false });
      expect(notifications).toBe(1);

      const after = await request(app).get("/api/v1/custom-events/custom.delete.me");
      expect(after.body).toMatchObject({ is_active: false, versions: [{ version: 1, is_active: false }] });
      const listed = await request(app).get("/api/v1/custom-events");
      expect(listed.body.definitions.map((definition: { name: string }) => definition.name)).not.toContain("custom.delete.me");
    });

    it("answers 404 for a name never defined or already inactive", async () => {
      expectError(await request(app).delete("/api/v1/custom-events/custom.delete.unknown"), 404, "not_found");
      await request(app).post("/api/v1/custom-events").send({ name: "custom.delete.twice", schema: {} }).expect(201);
      await request(app).delete("/api/v1/custom-events/custom.delete.twice").expect(200);
      notifications = 0;
      expectError(await request(app).delete("/api/v1/custom-events/custom.delete.twice"), 404, "not_found");
      expect(notifications).toBe(0);
    });
  });
});
