import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  generateApiKeySecret,
  hashApiKeySecret,
  isApiKeyScope,
  looksLikeApiKeySecret,
  normalizeApiKeyPrefix,
} from "./api-key-secret";
import type { Sql } from "./database";

export interface ApiKey {
  keyId: string;
  name: string;
  /** "ta_" and 8 hex chars; safe to show and log. */
  prefix: string;
  scopes: ApiKeyScope[];
  /** null: the configured default (security.rate_limit.requests_per_minute). */
  rateLimitPerMinute: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  rateLimitPerMinute?: number;
}

export type RevokeResult =
  | { status: "revoked"; key: ApiKey }
  | { status: "already_revoked"; key: ApiKey }
  | { status: "not_found" }
  /** A prefix shared by several keys; revoke by key_id instead. */
  | { status: "ambiguous"; keys: ApiKey[] };

/** A value create() refuses; `field` names it. */
export class InvalidApiKeyInput extends Error {
  constructor(
    readonly field: "name" | "scopes" | "rate_limit_per_minute",
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "InvalidApiKeyInput";
  }
}

export const MAX_KEY_RATE_LIMIT_PER_MINUTE = 10_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ApiKeyRow {
  key_id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  rate_limit_per_minute: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiKeysRepositoryOptions {
  /** last_used_at is written at most this often per key (and per process). */
  touchIntervalMs?: number;
}

/** API keys: only the SHA-256 of a secret is stored; the secret is returned once, by create(). */
export class ApiKeysRepository {
  private readonly touchIntervalMs: number;
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly sql: Sql,
    { touchIntervalMs = 60_000 }: ApiKeysRepositoryOptions = {},
  ) {
    this.touchIntervalMs = touchIntervalMs;
  }

  async create(input: NewApiKey): Promise<{ key: ApiKey; secret: string }> {
    const { name, scopes, rateLimitPerMinute } = validateNewKey(input);
    const { secret, prefix, hash } = generateApiKeySecret();
    const [row] = await this.sql<ApiKeyRow[]>`
      insert into api_keys (name, key_prefix, key_hash, scopes, rate_limit_per_minute)
      values (${name}, ${prefix}, ${hash}, ${scopes}::text[], ${rateLimitPerMinute ?? null})
      returning key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at`;
    return { key: toApiKey(row!), secret };
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKey[]> {
    const rows = await this.sql<ApiKeyRow[]>`
      select key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at
      from api_keys order by created_at, key_id`;
    return rows.map(toApiKey);
  }

  /** Revokes by key_id or by prefix ("ta_1a2b3c4d" or "1a2b3c4d"); a revoked key stays listed. */
  async revoke(idOrPrefix: string): Promise<RevokeResult> {
    const prefix = normalizeApiKeyPrefix(idOrPrefix);
    if (!UUID.test(idOrPrefix) && !prefix) return { status: "not_found" };
    return this.sql.begin(async (tx) => {
      const rows = UUID.test(idOrPrefix)
        ? await tx<ApiKeyRow[]>`
            select key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at
            from api_keys where key_id = ${idOrPrefix} for update`
        : await tx<ApiKeyRow[]>`
            select key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at
            from api_keys where key_prefix = ${prefix!} order by created_at for update`;
      if (rows.length === 0) return { status: "not_found" } as const;
      if (rows.length > 1) return { status: "ambiguous", keys: rows.map(toApiKey) } as const;
      const existing = rows[0]!;
      if (existing.revoked_at) return { status: "already_revoked", key: toApiKey(existing) } as const;
      const [row] = await tx<ApiKeyRow[]>`
        update api_keys set revoked_at = now() where key_id = ${existing.key_id}
        returning key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at`;
      return { status: "revoked", key: toApiKey(row!) } as const;
    });
  }

  /**
   * The active key whose secret this is, or null (unknown, revoked or malformed). Found by its
   * hash through the unique index, so nothing is compared character by character with the
   * secret and the time taken does not tell how close a guess was.
   */
  async findBySecret(secret: string): Promise<ApiKey | null> {
    if (!looksLikeApiKeySecret(secret)) return null;
    const [row] = await this.sql<ApiKeyRow[]>`
      select key_id, name, key_prefix, scopes, rate_limit_per_minute, created_at, last_used_at, revoked_at
      from api_keys where key_hash = ${hashApiKeySecret(secret)} and revoked_at is null`;
    return row ? toApiKey(row) : null;
  }

  /**
   * Records that a key was used. Cheap to call on every request: it writes at most once per
   * touchIntervalMs per key in this process, and the UPDATE skips rows another replica touched
   * within that interval.
   */
  async touch(keyId: string, now = Date.now()): Promise<void> {
    const last = this.lastTouched.get(keyId);
    if (last !== undefined && now - last < this.touchIntervalMs) return;
    // Keys are few; the bound only guards against a caller passing arbitrary ids.
    if (this.lastTouched.size >= 10_000) this.lastTouched.clear();
    this.lastTouched.set(keyId, now);
    const seconds = this.touchIntervalMs / 1000;
    await this.sql`
      update api_keys set last_used_at = now()
      where key_id = ${keyId}
        and (last_used_at is null or last_used_at < now() - make_interval(secs => ${seconds}))`;
  }
}

function validateNewKey(input: NewApiKey): { name: string; scopes: ApiKeyScope[]; rateLimitPerMinute: number | undefined } {
  const name = input.name.trim();
  if (name === "" || name.length > 200) throw new InvalidApiKeyInput("name", "a name of 1 to 200 characters");
  const scopes = [...new Set(input.scopes.map((scope) => scope.trim()).filter((scope) => scope !== ""))];
  const unknown = scopes.find((scope) => !isApiKeyScope(scope));
  if (scopes.length === 0 || unknown !== undefined) {
    const what = unknown === undefined ? "at least one scope" : `unknown scope ${JSON.stringify(unknown)}`;
    throw new InvalidApiKeyInput("scopes", `${what}; allowed: ${API_KEY_SCOPES.join(", ")}`);
  }
  const limit = input.rateLimitPerMinute;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_KEY_RATE_LIMIT_PER_MINUTE)) {
    throw new InvalidApiKeyInput("rate_limit_per_minute", `an integer from 1 to ${MAX_KEY_RATE_LIMIT_PER_MINUTE}`);
  }
  return { name, scopes: scopes as ApiKeyScope[], rateLimitPerMinute: limit };
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    keyId: row.key_id,
    name: row.name,
    prefix: row.key_prefix,
    scopes: row.scopes.filter(isApiKeyScope),
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
