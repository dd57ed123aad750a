import { Registry } from "prom-client";
import { createLogger } from "../logger";
import { CustomEventDefinitionsRepository } from "../repository/custom-event-definitions.repository";
import { createTestDatabase, type TestDatabase } from "../testing";
import { EventTypesWatcher } from "./event-types.watcher";

const unusableGauge = async (registry: Registry) =>
  (await registry.getSingleMetric("analytics_custom_event_definitions_unusable")!.get()).values[0]?.value;

/** Definitions each using the next twice: 2^levels subschemas to check one value of x. */
function fanOut(levels: number): Record<string, unknown> {
  const definitions = Object.fromEntries(
    Array.from({ length: levels + 1 }, (_, i) => [`d${i}`, i === levels ? { type: "number" } : { allOf: [{ $ref: `#/definitions/d${i + 1}` }, { $ref: `#/definitions/d${i + 1}` }] }]),
  );
  return { type: "object", properties: { x: { $ref: "#/definitions/d0" } }, definitions };
}

// A definition stored before the schema check existed (or written to the table by hand) must
// not stop the reload: it is set aside, logged and counted, and every other type validates.
describe("EventTypesWatcher with a definition it cannot use", () => {
  let db: TestDatabase;
  let definitions: CustomEventDefinitionsRepository;
  const registry = new Registry();
  const warnings: unknown[] = [];
  const logger = createLogger({ level: "error", format: "json" }, "test");

  beforeAll(async () => {
    db = await createTestDatabase("custom_events_unusable");
    definitions = new CustomEventDefinitionsRepository(db.sql);
    logger.warn = ((message: string, meta: unknown) => void warnings.push({ message, meta })) as unknown as typeof logger.warn;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("sets it aside, logs and counts it, refuses its events, and validates the rest; a new version replaces it", async () => {
    await db.sql`
      insert into custom_event_definitions (name, version, schema, is_active)
      values ('custom.stored.async', 1, ${db.sql.json({ $async: true, type: "object" })}, true),
             ('custom.stored.backref', 1, ${db.sql.json({ properties: { c: { pattern: "(a)\\1" } } })}, true),
             ('custom.stored.fanout', 1, ${db.sql.json(fanOut(30) as Parameters<typeof db.sql.json>[0])}, true),
             ('custom.stored.program', 1, ${db.sql.json({ properties: { s: { pattern: `${"[a-z]{90}".repeat(10)}[0-9]` } } })}, true)`;
    await definitions.create("custom.fine", { schema: { type: "object", required: ["a"] } });
    const watcher = new EventTypesWatcher(definitions, undefined, { refreshMs: 3_600_000, unknownTypes: "accept", redisKeyPrefix: "unused:", registry }, logger);
    await watcher.start();
    try {
      expect(await unusableGauge(registry)).toBe(4);
      expect(warnings).toEqual([
        { message: expect.stringContaining("custom event definition unusable"), meta: expect.objectContaining({ name: "custom.stored.async", version: 1 }) },
        { message: expect.stringContaining("custom event definition unusable"), meta: expect.objectContaining({ name: "custom.stored.backref", version: 1 }) },
        { message: expect.stringContaining("custom event definition unusable"), meta: expect.objectContaining({ name: "custom.stored.fanout", version: 1 }) },
        { message: expect.stringContaining("custom event definition unusable"), meta: expect.objectContaining({ name: "custom.stored.program", version: 1 }) },
      ]);
      expect(watcher.current.check("custom.stored.async", {})?.detail).toMatch(/cannot be used/);
      // Refused without running the schema: checking { x: 1 } against it would take minutes.
      expect(watcher.current.check("custom.stored.fanout", { x: 1 })?.detail).toMatch(/active definition v1 cannot be used.*applies \d+ subschemas once every \$ref is expanded/);
      expect(watcher.current.check("custom.stored.program", { s: "a" })?.detail).toMatch(/active definition v1 cannot be used.*compiles to \d+ RE2 instructions/);
      expect(watcher.current.check("custom.fine", {})?.detail).toBe("custom.fine: properties.a is required");
      expect(watcher.current.check("custom.fine", { a: 1 })).toBeUndefined();

      await definitions.update("custom.stored.async", { schema: { type: "object" } });
      await watcher.refresh();
      expect(await unusableGauge(registry)).toBe(3);
      expect(watcher.current.check("custom.stored.async", {})).toBeUndefined();
    } finally {
      await watcher.stop();
    }
  });
});
