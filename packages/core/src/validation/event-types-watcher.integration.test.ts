import { createLogger } from "../logger";
import { publishCustomEventsChanged } from "../redis/custom-events-notifier";
import { createRedis, type RedisClient } from "../redis/redis-client";
import { customEventsChangedChannel } from "../redis/redis-keys";
import { CustomEventDefinitionsRepository } from "../repository/custom-event-definitions.repository";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueSuffix, waitFor } from "../testing";
import { EventTypesWatcher } from "./event-types.watcher";

// What the custom-events API does on a change (repository + Redis notification), seen from a
// running ingester's point of view: no restart, and no waiting for the fingerprint poll.
describe("custom event definitions reach a running ingester", () => {
  let db: TestDatabase;
  let redis: RedisClient;
  let watcher: EventTypesWatcher;
  let definitions: CustomEventDefinitionsRepository;
  const prefix = `test:${uniqueSuffix()}:`;
  const logger = createLogger({ level: "error", format: "json" }, "test");
  const type = "custom.trading.signal";
  const good = { signal_strength: 0.85, strategy: "momentum-v1" };
  const bad = { signal_strength: "strong" };

  beforeAll(async () => {
    db = await createTestDatabase("custom_events_hot_reload");
    definitions = new CustomEventDefinitionsRepository(db.sql);
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: prefix, connect_timeout: 2000 }, logger);
    await redis.connect();
    // A poll an hour apart: only the notification can explain a reload within the test.
    watcher = new EventTypesWatcher(definitions, redis, { refreshMs: 3_600_000, unknownTypes: "accept", redisKeyPrefix: prefix }, logger);
    await watcher.start();
    // The watcher subscribes in the background; a message published before that would be lost.
    const channel = customEventsChangedChannel(prefix);
    await waitFor(() => redis.pubSubNumSub(channel), (counts) => (counts[channel] ?? 0) > 0, { timeoutMs: 10_000, what: "the watcher's subscription" });
  });

  afterAll(async () => {
    await watcher?.stop();
    if (redis?.isOpen) await redis.quit();
    await db?.drop();
  });

  const checkOnceReloaded = (properties: Record<string, unknown>, accepted: boolean) =>
    waitFor(
      async () => watcher.current.check(type, properties),
      (rejection) => (rejection === undefined) === accepted,
      { timeoutMs: 10_000, intervalMs: 50, what: `${JSON.stringify(properties)} to be ${accepted ? "accepted" : "rejected"}` },
    );

  it("starts validating a newly defined type, then follows an update and a deactivation", async () => {
    // Undefined custom types are accepted as they come (unknown_event_types: accept).
    expect(watcher.current.check(type, bad)).toBeUndefined();

    await definitions.create(type, {
      schema: { type: "object", required: ["signal_strength"], properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } },
    });
    expect(await publishCustomEventsChanged(redis, prefix)).toBe(true);
    expect(await checkOnceReloaded(bad, false)).toEqual({
      reason: "schema_violation",
      detail: `${type}: properties.signal_strength must be number`,
    });
    expect(watcher.current.check(type, good)).toBeUndefined();

    await definitions.update(type, { schema: { type: "object", required: ["confidence"] } });
    expect(await publishCustomEventsChanged(redis, prefix)).toBe(true);
    await checkOnceReloaded(good, false);
    expect(watcher.current.check(type, { confidence: 1 })).toBeUndefined();

    await definitions.deactivate(type);
    expect(await publishCustomEventsChanged(redis, prefix)).toBe(true);
    await checkOnceReloaded(good, true);
  });

  it("publishing through a client that cannot reach Redis reports false instead of throwing", async () => {
    const closed = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: prefix, connect_timeout: 2000 }, logger);
    expect(await publishCustomEventsChanged(closed, prefix)).toBe(false);
  });
});
