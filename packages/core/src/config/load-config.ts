import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./config-error";
import { applyEnvOverrides } from "./env-overrides";
import { type Config, configSchema } from "./schema";

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
  return { config: result.data, file };
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
    throw new ConfigError([`config error: ${file}${where}: not valid YAML (${(error as Error).message.split("\n")[0]})`]);
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
    return issue.keys.map((key) => `config error: ${[...parent, key].join(".")}: unknown key${file ? ` in ${file}` : ""}`);
  }
  const key = issue.path.map(String).join(".");
  const value = valueAt(raw, issue.path.map(String));
  const source = origins.get(key) ?? (file ? path.basename(file) : "defaults");
  const shown = value === undefined ? "(missing)" : JSON.stringify(value);
  return [`config error: ${key} = ${shown} (from ${source}); allowed: ${issue.message}`];
}

function valueAt(raw: unknown, keys: string[]): unknown {
  let node = raw;
  for (const key of keys) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
