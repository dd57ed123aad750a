#!/usr/bin/env node
// `pnpm api-key create|list|revoke`: manages the query-api's API keys. The secret of a new
// key is printed once, here, and nowhere else: only its SHA-256 is stored.
import { ConfigError, loadConfig } from "../config";
import { createSql } from "../repository/database";
import { type ApiKey, ApiKeysRepository, InvalidApiKeyInput } from "../repository/api-keys.repository";
import { type ApiKeyCommand, parseApiKeyCommand, USAGE } from "./api-key-args";
import { UsageError } from "./usage-error";

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The whole command: its exit code (0 done, 1 failed, 2 usage error); `analytics api-key` runs it too. */
export async function apiKeyCli(argv: string[]): Promise<number> {
  let command: ApiKeyCommand;
  try {
    command = parseApiKeyCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`api-key: ${error.message}\n\n${error.usage}\n`);
    return EXIT.usage;
  }
  if (command.kind === "help") {
    process.stdout.write(`${command.text}\n`);
    return EXIT.ok;
  }

  let config;
  try {
    config = loadConfig().config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.lines.join("\n")}\n`);
    process.stderr.write("api-key reads the apps' configuration: set CONFIG_FILE (e.g. CONFIG_FILE=config.example.yaml) or DATABASE_URL, REDIS_URL and KAFKA_BROKERS.\n");
    return EXIT.failed;
  }
  const sql = createSql(config.database, { applicationName: "api-key", max: 1 });
  try {
    return await run(command, new ApiKeysRepository(sql), config.security.rate_limit.requests_per_minute);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function run(command: Exclude<ApiKeyCommand, { kind: "help" }>, keys: ApiKeysRepository, defaultRate: number): Promise<number> {
  switch (command.kind) {
    case "create": {
      let created;
      try {
        created = await keys.create(command);
      } catch (error) {
        if (!(error instanceof InvalidApiKeyInput)) throw error;
        process.stderr.write(`api-key: ${error.message}\n\n${USAGE.create}\n`);
        return EXIT.usage;
      }
      const { key, secret } = created;
      if (command.json) {
        process.stdout.write(`${JSON.stringify({ ...toJson(key), secret, note: "the secret is shown once and will not be shown again" })}\n`);
        return EXIT.ok;
      }
      process.stdout.write(
        [
          `Created API key ${key.prefix} "${key.name}" (key_id ${key.keyId})`,
          `  scopes:     ${key.scopes.join(",")}`,
          `  rate limit: ${rateText(key, defaultRate)}`,
          "",
          `  ${secret}`,
          "",
          "This secret is shown once and will not be shown again: store it now.",
          "Send it as the X-API-Key header (or Authorization: Bearer <secret>).",
          "",
        ].join("\n"),
      );
      return EXIT.ok;
    }
    case "list": {
      const all = await keys.list();
      if (command.json) {
        process.stdout.write(`${JSON.stringify(all.map(toJson))}\n`);
      } else if (all.length === 0) {
        process.stdout.write('No API keys. Create one with: api-key create --name NAME --scopes read\n');
      } else {
        process.stdout.write(`${table(all, defaultRate)}\n`);
      }
      return EXIT.ok;
    }
    case "revoke": {
      const result = await keys.revoke(command.idOrPrefix);
      switch (result.status) {
        case "revoked":
          process.stdout.write(`Revoked API key ${result.key.prefix} "${result.key.name}" (key_id ${result.key.keyId}).\n`);
          return EXIT.ok;
        case "already_revoked":
          process.stdout.write(`API key ${result.key.prefix} was already revoked at ${result.key.revokedAt!.toISOString()}.\n`);
          return EXIT.ok;
        case "not_found":
          process.stderr.write(`api-key: no API key with key_id or prefix ${JSON.stringify(command.idOrPrefix)}\n`);
          return EXIT.failed;
        case "ambiguous":
          process.stderr.write(
            `api-key: ${result.keys.length} keys share the prefix ${JSON.stringify(command.idOrPrefix)}; revoke one by key_id:\n` +
              result.keys.map((key) => `  ${key.keyId}  "${key.name}"\n`).join(""),
          );
          return EXIT.failed;
      }
    }
  }
}

function toJson(key: ApiKey) {
  return {
    key_id: key.keyId,
    prefix: key.prefix,
    name: key.name,
    scopes: key.scopes,
    rate_limit_per_minute: key.rateLimitPerMinute,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

function rateText(key: ApiKey, defaultRate: number): string {
  return key.rateLimitPerMinute === null ? `${defaultRate}/min (the configured default)` : `${key.rateLimitPerMinute}/min`;
}

function table(keys: ApiKey[], defaultRate: number): string {
  const day = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace("T", " ") : "-");
  const rows = [
    ["KEY_ID", "PREFIX", "NAME", "SCOPES", "RATE/MIN", "CREATED (UTC)", "LAST USED (UTC)", "STATUS"],
    ...keys.map((key) => [
      key.keyId,
      key.prefix,
      key.name,
      key.scopes.join(","),
      key.rateLimitPerMinute === null ? `${defaultRate}*` : String(key.rateLimitPerMinute),
      day(key.createdAt),
      day(key.lastUsedAt),
      key.revokedAt ? `revoked ${day(key.revokedAt)}` : "active",
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  return [...lines, "", "* the configured default (security.rate_limit.requests_per_minute)"].join("\n");
}

// Run as a program, not when imported. exitCode, not exit(): lets stdout drain when it is a pipe.
if (require.main === module) {
  apiKeyCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      process.stderr.write(`api-key failed: ${error.message}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
