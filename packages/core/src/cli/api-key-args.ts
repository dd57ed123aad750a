import { parseArgs } from "node:util";
import { API_KEY_SCOPES, type ApiKeyScope, isApiKeyScope } from "../repository/api-key-secret";
import { MAX_KEY_RATE_LIMIT_PER_MINUTE } from "../repository/api-keys.repository";
import { UsageError } from "./usage-error";
import { errorMessage } from "../errors";

// Argument parsing for `pnpm api-key`, apart from the I/O so it is tested without a process.

export type ApiKeyCommand =
  | { kind: "help"; text: string }
  | { kind: "create"; name: string; scopes: ApiKeyScope[]; rateLimitPerMinute: number | undefined; json: boolean }
  | { kind: "list"; json: boolean }
  | { kind: "revoke"; idOrPrefix: string };

export const USAGE = {
  main: `Usage: api-key <command> [options]

Manages the query-api's API keys in the configured database (CONFIG_FILE, DATABASE_URL).

Commands:
  create   create a key and print its secret once
  list     list every key (never their secrets)
  revoke   revoke a key by key_id or prefix

Run "api-key <command> --help" for a command's options.
Exit codes: 0 done, 1 failed (database, unknown key), 2 usage error.`,
  create: `Usage: api-key create --name NAME --scopes SCOPES [--rate-limit N] [--json]

  --name NAME        who or what uses the key (1-200 characters)
  --scopes SCOPES    comma-separated, from ${API_KEY_SCOPES.join(", ")}
                     (admin implies write and read; write implies read)
  --rate-limit N     requests per minute for this key, 1-${MAX_KEY_RATE_LIMIT_PER_MINUTE}
                     (default: security.rate_limit.requests_per_minute)
  --json             print the key and its secret as JSON

The secret is printed once and cannot be shown again: only its SHA-256 is stored.`,
  list: `Usage: api-key list [--json]

Lists every key, revoked ones included: key_id, prefix, name, scopes, rate limit, dates.
Secrets are never stored, so never shown.

  --json   print a JSON array`,
  revoke: `Usage: api-key revoke <key_id|prefix>

Revokes one key by its key_id (a UUID) or its prefix (ta_1a2b3c4d or 1a2b3c4d).
The query-api stops accepting it within its key cache's lifetime (5 seconds).`,
} as const;

export function parseApiKeyCommand(argv: readonly string[]): ApiKeyCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError("a command is required", USAGE.main);
    case "-h":
    case "--help":
    case "help":
      return { kind: "help", text: USAGE.main };
    case "create":
      return parseCreate(rest);
    case "list":
      return parseList(rest);
    case "revoke":
      return parseRevoke(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, USAGE.main);
  }
}

function parseCreate(args: string[]): ApiKeyCommand {
  const { values } = parse(args, USAGE.create, {
    name: { type: "string" },
    scopes: { type: "string" },
    "rate-limit": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return { kind: "help", text: USAGE.create };
  const name = typeof values.name === "string" ? values.name.trim() : "";
  if (name === "" || name.length > 200) throw new UsageError("--name: a name of 1 to 200 characters is required", USAGE.create);
  if (typeof values.scopes !== "string") throw new UsageError(`--scopes is required (from ${API_KEY_SCOPES.join(", ")})`, USAGE.create);
  const scopes = values.scopes
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "");
  const unknown = scopes.find((scope) => !isApiKeyScope(scope));
  if (scopes.length === 0 || unknown !== undefined) {
    const what = unknown === undefined ? "at least one scope" : `unknown scope ${JSON.stringify(unknown)}`;
    throw new UsageError(`--scopes: ${what}; allowed: ${API_KEY_SCOPES.join(", ")}`, USAGE.create);
  }
  return {
    kind: "create",
    name,
    scopes: [...new Set(scopes as ApiKeyScope[])],
    rateLimitPerMinute: parseRateLimit(values["rate-limit"]),
    json: values.json === true,
  };
}

function parseRateLimit(raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === "string" && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_KEY_RATE_LIMIT_PER_MINUTE)) {
    throw new UsageError(`--rate-limit: an integer from 1 to ${MAX_KEY_RATE_LIMIT_PER_MINUTE} (got ${JSON.stringify(raw)})`, USAGE.create);
  }
  return value;
}

function parseList(args: string[]): ApiKeyCommand {
  const { values } = parse(args, USAGE.list, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (values.help) return { kind: "help", text: USAGE.list };
  return { kind: "list", json: values.json === true };
}

function parseRevoke(args: string[]): ApiKeyCommand {
  const { values, positionals } = parse(args, USAGE.revoke, { help: { type: "boolean", short: "h" } }, true);
  if (values.help) return { kind: "help", text: USAGE.revoke };
  if (positionals.length !== 1) throw new UsageError("exactly one key_id or prefix is required", USAGE.revoke);
  return { kind: "revoke", idOrPrefix: positionals[0]! };
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

function parse(args: string[], usage: string, options: OptionSpec, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--nmae'"); keep them.
    throw new UsageError(errorMessage(error), usage);
  }
}
