// With no configuration, `analytics` talks to the local stack (`pnpm stack:up`, docker-compose.yml),
// so a newcomer's first command works. Only the CLI does this: the apps keep their own defaults.
import { existsSync } from "node:fs";
import path from "node:path";

/** The variables that place each service, and the local stack's address for it. */
const SERVICES = [
  {
    placedBy: ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_SSL_MODE"],
    // postgres/postgres: docker-compose.yml's password; infra's own cluster trusts any.
    set: "DATABASE_URL",
    to: "postgres://postgres:postgres@127.0.0.1:5432/analytics",
  },
  { placedBy: ["REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"], set: "REDIS_URL", to: "redis://127.0.0.1:6379" },
  { placedBy: ["KAFKA_BROKERS"], set: "KAFKA_BROKERS", to: "127.0.0.1:9092" },
] as const;

export type ServiceVariable = (typeof SERVICES)[number]["set"];

/**
 * The variables to add so that each service no variable places is the local stack's; none when
 * a config file is given (CONFIG_FILE, else ./config.yaml, as loadConfig looks for it).
 */
export function localStackDefaults(env: NodeJS.ProcessEnv, cwd: string): Partial<Record<ServiceVariable, string>> {
  if (env.CONFIG_FILE || existsSync(path.join(cwd, "config.yaml"))) return {};
  const defaults: Partial<Record<ServiceVariable, string>> = {};
  for (const service of SERVICES) {
    if (!service.placedBy.some((name) => env[name])) defaults[service.set] = service.to;
  }
  return defaults;
}

/** After failing to reach a service: the local-stack address tried, and how to point elsewhere. */
export function localStackHint(defaults: Partial<Record<ServiceVariable, string>>, unreachable: ServiceVariable | undefined): string | undefined {
  const tried = unreachable && defaults[unreachable];
  if (!tried) return undefined;
  return (
    `analytics: with no CONFIG_FILE, ./config.yaml or ${unreachable} it tried the local stack's ${unreachable}=${tried}; ` +
    `start that stack with pnpm stack:up, or point analytics elsewhere with ${unreachable}=… or CONFIG_FILE=…`
  );
}
