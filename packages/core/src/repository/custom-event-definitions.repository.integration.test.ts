import { createTestDatabase, type TestDatabase } from "../testing";
import { CustomEventDefinitionError, CustomEventDefinitionsRepository } from "./custom-event-definitions.repository";

describe("CustomEventDefinitionsRepository", () => {
  let db: TestDatabase;
  let definitions: CustomEventDefinitionsRepository;
  const signalSchema = { type: "object", properties: { signal_strength: { type: "number" } } };

  beforeAll(async () => {
    db = await createTestDatabase("custom_event_definitions");
    definitions = new CustomEventDefinitionsRepository(db.sql);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const activeVersions = async (name: string) =>
    (await definitions.versions(name)).filter((definition) => definition.isActive).map((definition) => definition.version);

  it("creates version 1, active by default, with the given fields", async () => {
    const created = await definitions.create("custom.trading.signal", {
      displayName: "Trading Signal",
      description: "Custom trading signal event",
      schema: signalSchema,
    });
    expect(created).toEqual({
      name: "custom.trading.signal",
      version: 1,
      displayName: "Trading Signal",
      description: "Custom trading signal event",
      schema: signalSchema,
      isActive: true,
      createdAt: expect.any(Date),
    });
    expect(await definitions.get("custom.trading.signal")).toEqual(created);
    expect((await definitions.listActive()).map((definition) => definition.name)).toContain("custom.trading.signal");
  });

  it("refuses to create a name that exists, active or not", async () => {
    await definitions.create("custom.dup", { schema: {}, isActive: false });
    await expect(definitions.create("custom.dup", { schema: {} })).rejects.toMatchObject({ reason: "already_exists", eventType: "custom.dup" });
    expect(await definitions.versions("custom.dup")).toHaveLength(1);
  });

  it("refuses built-in event types on create and update", async () => {
    await expect(definitions.create("order.placed", { schema: {} })).rejects.toBeInstanceOf(CustomEventDefinitionError);
    await expect(definitions.create("order.placed", { schema: {} })).rejects.toMatchObject({ reason: "built_in" });
    await expect(definitions.update("order.placed", { schema: {} })).rejects.toMatchObject({ reason: "built_in" });
    expect(await definitions.get("order.placed")).toBeUndefined();
  });

  it("updates to a new version that replaces the active one and keeps the old", async () => {
    await definitions.create("custom.versioned", { displayName: "v1", schema: { type: "object" } });
    const fingerprintBefore = await definitions.fingerprint();
    const updated = await definitions.update("custom.versioned", { displayName: "v2", schema: signalSchema });
    expect(updated).toMatchObject({ name: "custom.versioned", version: 2, displayName: "v2", description: null, schema: signalSchema, isActive: true });
    expect(await definitions.fingerprint()).not.toBe(fingerprintBefore);

    const versions = await definitions.versions("custom.versioned");
    expect(versions.map((definition) => [definition.version, definition.displayName, definition.isActive])).toEqual([
      [1, "v1", false],
      [2, "v2", true],
    ]);
    expect(await definitions.get("custom.versioned")).toEqual(updated);
  });

  it("gives concurrent updates of one name distinct versions, exactly one active", async () => {
    await definitions.create("custom.contended", { schema: {} });
    const updates = await Promise.all(
      Array.from({ length: 8 }, (_, i) => definitions.update("custom.contended", { description: `update ${i}`, schema: { title: `u${i}` } })),
    );
    expect(updates.map((definition) => definition.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await activeVersions("custom.contended")).toEqual([9]);
  });

  it("deactivates without deleting versions, and reactivates on the next update", async () => {
    await definitions.create("custom.retired", { schema: {} });
    await definitions.update("custom.retired", { schema: { type: "object" } });
    const deactivated = await definitions.deactivate("custom.retired");
    expect(deactivated).toMatchObject({ name: "custom.retired", version: 2, isActive: false });
    expect(await activeVersions("custom.retired")).toEqual([]);
    expect(await definitions.versions("custom.retired")).toHaveLength(2);
    expect(await definitions.get("custom.retired")).toMatchObject({ version: 2, isActive: false });
    expect((await definitions.listActive()).map((definition) => definition.name)).not.toContain("custom.retired");

    await expect(definitions.deactivate("custom.retired")).rejects.toMatchObject({ reason: "not_active" });
    await expect(definitions.deactivate("custom.never")).rejects.toMatchObject({ reason: "not_found" });
    await expect(definitions.update("custom.never", { schema: {} })).rejects.toMatchObject({ reason: "not_found" });

    expect(await definitions.update("custom.retired", { schema: {} })).toMatchObject({ version: 3, isActive: true });
  });

  it("lists the latest version of every name, optionally only active ones", async () => {
    await definitions.create("custom.list.a", { schema: {} });
    await definitions.update("custom.list.a", { schema: {}, displayName: "A2" });
    await definitions.create("custom.list.b", { schema: {}, isActive: false });

    const all = await definitions.list();
    const names = all.map((definition) => definition.name);
    expect(names).toEqual([...names].sort());
    expect(all.find((definition) => definition.name === "custom.list.a")).toMatchObject({ version: 2, displayName: "A2", isActive: true });
    expect(all.find((definition) => definition.name === "custom.list.b")).toMatchObject({ version: 1, isActive: false });

    const active = await definitions.list({ activeOnly: true });
    expect(active.every((definition) => definition.isActive)).toBe(true);
    expect(active.map((definition) => definition.name)).toContain("custom.list.a");
    expect(active.map((definition) => definition.name)).not.toContain("custom.list.b");
  });

  describe("schema $id", () => {
    const withId = (id: string, extra: Record<string, unknown> = {}) => ({ schema: { $id: id, type: "object", ...extra } });
    const taken = (id: string, by: string) =>
      expect.objectContaining({ reason: "schema_id_taken", message: `schema $id ${id} is already declared by the active custom event type ${by}` });

    it("refuses a second active type declaring an active type's $id, on create and update", async () => {
      await definitions.create("custom.id.owner", withId("https://example.com/ids/owner.json#"));
      await expect(definitions.create("custom.id.thief", withId("https://example.com/ids/owner.json"))).rejects.toEqual(
        taken("https://example.com/ids/owner.json", "custom.id.owner"),
      );
      expect(await definitions.get("custom.id.thief")).toBeUndefined();
      await definitions.create("custom.id.other", { schema: {} });
      await expect(
        definitions.update("custom.id.other", { schema: { $id: "https://example.com/ids/x.json", properties: { a: { $id: "owner.json" } } } }),
      ).rejects.toEqual(taken("https://example.com/ids/owner.json", "custom.id.owner"));
      expect(await activeVersions("custom.id.other")).toEqual([1]);
    });

    it("lets a type's new version keep its $id, and frees a $id when its type is deactivated", async () => {
      await definitions.create("custom.id.keeper", withId("urn:example:keeper"));
      expect((await definitions.update("custom.id.keeper", withId("urn:example:keeper", { required: ["a"] }))).version).toBe(2);
      await definitions.deactivate("custom.id.keeper");
      expect((await definitions.create("custom.id.successor", withId("urn:example:keeper"))).version).toBe(1);
      // Reactivating the first would store a new version claiming it again: refused.
      await expect(definitions.update("custom.id.keeper", withId("urn:example:keeper"))).rejects.toEqual(taken("urn:example:keeper", "custom.id.successor"));
    });

    it("lets only one of two concurrent creates claim a $id", async () => {
      const outcomes = await Promise.allSettled(
        ["custom.id.race_a", "custom.id.race_b", "custom.id.race_c"].map((name) => definitions.create(name, withId("urn:example:race"))),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([
        expect.any(CustomEventDefinitionError),
        expect.any(CustomEventDefinitionError),
      ]);
    });
  });
});
