import {
  generateApiKeySecret,
  hashApiKeySecret,
  looksLikeApiKeySecret,
  normalizeApiKeyPrefix,
  scopeAllows,
} from "./api-key-secret";

describe("API key secrets", () => {
  it("generates ta_<prefix>_<43 chars> secrets whose stored hash is SHA-256 of the whole secret", () => {
    const { secret, prefix, hash } = generateApiKeySecret();
    expect(secret).toMatch(/^ta_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`${prefix}_`)).toBe(true);
    expect(hash).toEqual(hashApiKeySecret(secret));
    expect(hash).toHaveLength(32);
    expect(looksLikeApiKeySecret(secret)).toBe(true);
  });

  it("never generates the same secret twice", () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateApiKeySecret().secret));
    expect(secrets.size).toBe(1000);
  });

  it("rejects values not shaped like a key before any lookup", () => {
    expect(looksLikeApiKeySecret("")).toBe(false);
    expect(looksLikeApiKeySecret("ta_1234abcd_short")).toBe(false);
    expect(looksLikeApiKeySecret(`ta_1234ABCD_${"a".repeat(43)}`)).toBe(false);
    expect(looksLikeApiKeySecret(`ta_1234abcd_${"a".repeat(43)} `)).toBe(false);
  });

  it("accepts a prefix with or without its ta_ tag", () => {
    expect(normalizeApiKeyPrefix("ta_1234abcd")).toBe("ta_1234abcd");
    expect(normalizeApiKeyPrefix("1234abcd")).toBe("ta_1234abcd");
    expect(normalizeApiKeyPrefix("1234abc")).toBeUndefined();
    expect(normalizeApiKeyPrefix("ta_1234abcd_x")).toBeUndefined();
  });
});

describe("scopeAllows", () => {
  it("lets admin do everything, write do write and read, read only read", () => {
    expect(scopeAllows(["admin"], "read")).toBe(true);
    expect(scopeAllows(["admin"], "write")).toBe(true);
    expect(scopeAllows(["admin"], "admin")).toBe(true);
    expect(scopeAllows(["write"], "read")).toBe(true);
    expect(scopeAllows(["write"], "write")).toBe(true);
    expect(scopeAllows(["write"], "admin")).toBe(false);
    expect(scopeAllows(["read"], "read")).toBe(true);
    expect(scopeAllows(["read"], "write")).toBe(false);
    expect(scopeAllows([], "read")).toBe(false);
  });
});
