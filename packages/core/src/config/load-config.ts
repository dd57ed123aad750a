import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./config-error";
import { applyEnvOverrides } from "./env-overrides";
import { keysAt, suggestKey } from "./key-suggestion";
import { type Config, configSchema } from "./schema";
import { seedKeyWarnings, valueAt } from "./seed-keys";
import { errorMessage } from "../errors";

export interface LoadConfigOptions {
  /** Path of the YAML file; default CONFIG_FILE, else ./config.yaml when present, else none. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file: string | undefined;
  /** One line per key that was accepted but does nothing here; each app logs them at start. */
  warnings: string[];
}

/** Reads, overrides and validates the configuration; throws ConfigError naming each bad key. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = resolveConfigFile(options.file ?? env.CONFIG_FILE, options.cwd ?? process.cwd());
  const raw = file ? readYamlMapping(file) : {};
  const origins = applyEnvOverrides(raw, env);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, raw, origins, file)));
  }
  return { config: result.data, file, warnings: [...seedKeyWarnings(raw), ...consistencyWarnings(result.data, raw)] };
}

/** For main.ts: the validated config, or one stderr line per bad key and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(options: LoadConfigOptions = {}): LoadedConfig {
  try {
    return loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    process.exit(78);
  }
}

function resolveConfigFile(requested: string | undefined, cwd: string): string | undefined {
  if (requested) {
    const absolute = path.resolve(cwd, requested);
    if (!existsSync(absolute)) throw new ConfigError([`config error: CONFIG_FILE = ${JSON.stringify(requested)}: no such file`]);
    return absolute;
  }
  const fallback = path.join(cwd, "config.yaml");
  return existsSync(fallback) ? fallback : undefined;
}

function readYamlMapping(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` line ${error.linePos[0].line}` : "";
    throw new ConfigError([`config error: ${file}${where}: not valid YAML (${errorMessage(error).split("\n")[0]})`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError([`config error: ${file}: the top level must be a mapping of sections`]);
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  origins: Map<string, string>,
  file: string | undefined,
): string[] {
  if (issue.code === "unrecognized_keys") {
    const parent = issue.path.map(String);
    const known = keysAt(configSchema, issue.path as (string | number)[]);
    return issue.keys.map((key) => {
      const nearest = suggestKey(key, known);
      const hint = nearest === undefined ? "" : `; did you mean ${[...parent, nearest].join(".")}?`;
      return `config error: ${[...parent, key].join(".")}: unknown key${file ? ` in ${file}` : ""}${hint}`;
    });
  }
  const key = issue.path.map(String).join(".");
  const value = valueAt(raw, issue.path.map(String));
  const source = origins.get(key) ?? (file ? path.basename(file) : "defaults");
  const shown = value === undefined ? "(missing)" : JSON.stringify(value);
  return [`config error: ${key} = ${shown} (from ${source}); allowed: ${issue.message}`];
}

/** Keys that were given but cannot take effect as set. */
function consistencyWarnings(config: Config, raw: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  if (config.logging.output === "stdout" && config.logging.file_path !== "") {
    warnings.push("config warning: logging.file_path has no effect while logging.output is stdout");
  }
  const ingestTopicGiven = valueAt(raw, ["kafka", "http_ingest_topic"]) !== undefined;
  if (ingestTopicGiven && !config.kafka.topics.includes(config.kafka.http_ingest_topic)) {
    warnings.push(
      `config warning: kafka.http_ingest_topic ${config.kafka.http_ingest_topic} is not in kafka.topics: events posted over HTTP are stored only if other ingesters consume it`,
    );
  }
  // The seed's fixed window never read burst; a seed file that sets it lower gets what it says, and is told.
  const { rate_limit: rateLimit } = config.security;
  if (rateLimit.enabled && valueAt(raw, ["security", "rate_limit", "burst"]) !== undefined && rateLimit.burst < rateLimit.requests_per_minute) {
    warnings.push(
      `config warning: security.rate_limit.burst ${rateLimit.burst} is enforced: at most ${rateLimit.burst} requests at once per client, then ${rateLimit.requests_per_minute} a minute (the B25 seed never read burst and admitted ${rateLimit.requests_per_minute} at once; leave burst out for that)`,
    );
  }
  return warnings;
}
