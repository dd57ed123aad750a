import { createHash, randomBytes } from "node:crypto";

// API key secrets and scopes: pure, so the repository, the CLI and the query-api share one
// definition of what a key looks like and what each scope allows.

export const API_KEY_SCOPES = ["read", "write", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** admin implies write and read; write implies read. */
const IMPLIED: Record<ApiKeyScope, readonly ApiKeyScope[]> = {
  read: ["read"],
  write: ["write", "read"],
  admin: ["admin", "write", "read"],
};

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Whether a key holding `granted` may do what needs `needed`. */
export function scopeAllows(granted: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return granted.some((scope) => IMPLIED[scope].includes(needed));
}

const PREFIX_TAG = "ta_";
// ta_ + 8 hex chars of prefix + _ + 43 base64url chars (32 random bytes).
const SECRET_SHAPE = /^ta_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export interface NewSecret {
  /** Shown once to whoever created the key; never stored. */
  secret: string;
  /** "ta_" and 8 hex chars: names the key in listings and logs without revealing it. */
  prefix: string;
  /** SHA-256 of the whole secret: the only thing stored. */
  hash: Buffer;
}

export function generateApiKeySecret(): NewSecret {
  const prefix = `${PREFIX_TAG}${randomBytes(4).toString("hex")}`;
  const secret = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { secret, prefix, hash: hashApiKeySecret(secret) };
}

/**
 * The secrets are 256 random bits, so one unsalted SHA-256 is enough (nothing to brute-force
 * as with passwords) and lets a key be found by an index lookup on its hash.
 */
export function hashApiKeySecret(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** Cheap check before any lookup: anything not shaped like a key cannot be one. */
export function looksLikeApiKeySecret(value: string): boolean {
  return SECRET_SHAPE.test(value);
}

/** "ta_1a2b3c4d" or "1a2b3c4d" → "ta_1a2b3c4d"; undefined when it is not a prefix. */
export function normalizeApiKeyPrefix(value: string): string | undefined {
  const bare = value.startsWith(PREFIX_TAG) ? value.slice(PREFIX_TAG.length) : value;
  return /^[0-9a-f]{8}$/.test(bare) ? `${PREFIX_TAG}${bare}` : undefined;
}
