-- API keys. Only a SHA-256 digest of the secret is stored; the prefix identifies a key in
-- logs and listings without revealing it.
--
-- Citus: a reference table (looked up on every request, rarely written).
CREATE TABLE IF NOT EXISTS api_keys (
    key_id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  text        NOT NULL,
    key_prefix            text        NOT NULL,
    key_hash              bytea       NOT NULL UNIQUE,
    scopes                text[]      NOT NULL DEFAULT ARRAY['read']::text[],
    rate_limit_per_minute integer     CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    last_used_at          timestamptz,
    revoked_at            timestamptz
);
