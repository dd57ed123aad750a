import { createTestDatabase, type TestDatabase } from "../testing";
import { hashApiKeySecret } from "./api-key-secret";
import { ApiKeysRepository, InvalidApiKeyInput } from "./api-keys.repository";

describe("ApiKeysRepository", () => {
  let db: TestDatabase;
  let keys: ApiKeysRepository;

  beforeAll(async () => {
    db = await createTestDatabase("api_keys_repo");
    keys = new ApiKeysRepository(db.sql, { touchIntervalMs: 60_000 });
  });
  afterAll(() => db?.drop());

  it("finds a created key by its secret, and stores only the secret's SHA-256", async () => {
    const { key, secret } = await keys.create({ name: "dashboards", scopes: ["read", "write"], rateLimitPerMinute: 600 });
    expect(key).toMatchObject({ name: "dashboards", scopes: ["read", "write"], rateLimitPerMinute: 600, revokedAt: null, lastUsedAt: null });
    expect(secret.startsWith(`${key.prefix}_`)).toBe(true);

    const found = await keys.findBySecret(secret);
    expect(found?.keyId).toBe(key.keyId);

    const [row] = await db.sql<{ key_hash: Buffer; key_prefix: string }[]>`select key_hash, key_prefix from api_keys where key_id = ${key.keyId}`;
    expect(Buffer.from(row!.key_hash)).toEqual(hashApiKeySecret(secret));
    // The secret appears nowhere in the table.
    const [dump] = await db.sql<{ text: string }[]>`select string_agg(t::text, ' ') as text from api_keys t`;
    expect(dump!.text).not.toContain(secret.slice(key.prefix.length + 1));
  });

  it("finds nothing for an unknown, malformed or revoked secret", async () => {
    const { key, secret } = await keys.create({ name: "to revoke", scopes: ["read"] });
    expect(await keys.findBySecret(`${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await keys.findBySecret("not-a-key")).toBeNull();

    expect(await keys.revoke(key.keyId)).toMatchObject({ status: "revoked", key: { keyId: key.keyId, revokedAt: expect.any(Date) } });
    expect(await keys.findBySecret(secret)).toBeNull();
    expect(await keys.revoke(key.keyId)).toMatchObject({ status: "already_revoked" });
  });

  it("revokes by prefix with or without its ta_ tag, and reports unknown ids and prefixes", async () => {
    const first = await keys.create({ name: "by prefix", scopes: ["admin"] });
    expect(await keys.revoke(first.key.prefix)).toMatchObject({ status: "revoked", key: { keyId: first.key.keyId } });
    const second = await keys.create({ name: "by bare prefix", scopes: ["admin"] });
    expect(await keys.revoke(second.key.prefix.slice(3))).toMatchObject({ status: "revoked", key: { keyId: second.key.keyId } });

    expect(await keys.revoke("00000000-0000-4000-8000-000000000000")).toEqual({ status: "not_found" });
    expect(await keys.revoke("ta_ffffffff")).toEqual({ status: "not_found" });
    expect(await keys.revoke("nonsense")).toEqual({ status: "not_found" });
  });

  it("refuses to revoke by a prefix two keys share", async () => {
    const a = await keys.create({ name: "a", scopes: ["read"] });
    const b = await keys.create({ name: "b", scopes: ["read"] });
    await db.sql`update api_keys set key_prefix = ${a.key.prefix} where key_id = ${b.key.keyId}`;
    const result = await keys.revoke(a.key.prefix);
    expect(result.status).toBe("ambiguous");
    expect(await keys.findBySecret(a.secret)).not.toBeNull();
  });

  it("lists keys without their secrets, revoked ones included", async () => {
    const listed = await keys.list();
    expect(listed.length).toBeGreaterThanOrEqual(4);
    expect(listed.some((key) => key.revokedAt !== null)).toBe(true);
    for (const key of listed) expect(Object.keys(key).sort()).toEqual(["createdAt", "keyId", "lastUsedAt", "name", "prefix", "rateLimitPerMinute", "revokedAt", "scopes"]);
  });

  it("rejects a bad name, scope or rate limit, naming the field", async () => {
    await expect(keys.create({ name: " ", scopes: ["read"] })).rejects.toMatchObject({ field: "name" });
    await expect(keys.create({ name: "x", scopes: [] })).rejects.toMatchObject({ field: "scopes" });
    await expect(keys.create({ name: "x", scopes: ["read", "root"] })).rejects.toThrow(/unknown scope "root"/);
    await expect(keys.create({ name: "x", scopes: ["read"], rateLimitPerMinute: 0 })).rejects.toBeInstanceOf(InvalidApiKeyInput);
  });

  it("records last use at most once per interval", async () => {
    const { key } = await keys.create({ name: "touched", scopes: ["read"] });
    const lastUsed = async () =>
      (await db.sql<{ last_used_at: Date | null }[]>`select last_used_at from api_keys where key_id = ${key.keyId}`)[0]!.last_used_at;

    await keys.touch(key.keyId, 1_000_000);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);

    await db.sql`update api_keys set last_used_at = '2000-01-01' where key_id = ${key.keyId}`;
    await keys.touch(key.keyId, 1_000_000 + 59_000); // within the interval: no write
    expect((await lastUsed())!.getUTCFullYear()).toBe(2000);
    await keys.touch(key.keyId, 1_000_000 + 61_000); // past it: written again
    expect((await lastUsed())!.getTime()).toBeGreaterThan(first!.getTime() - 1000);
  });
});
