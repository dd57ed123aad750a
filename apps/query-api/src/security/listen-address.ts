import { isIP } from "node:net";

export interface ListenAddress {
  host: string;
  /** Set when the API answers without keys on an address other machines may reach. */
  warning?: string;
}

const LOOPBACK_NAMES = new Set(["localhost", "ip6-localhost", "ip6-loopback"]);

/** 127.0.0.0/8, ::1 and the name localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (LOOPBACK_NAMES.has(bare)) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1" || bare.startsWith("::ffff:127.");
}

/**
 * Where the query-api listens: server.host when set, else every interface with API keys on and
 * loopback only with them off, so turning keys off never opens the data to the network by default.
 */
export function listenAddress(configuredHost: string | undefined, apiKeysEnabled: boolean): ListenAddress {
  const host = configuredHost ?? (apiKeysEnabled ? "0.0.0.0" : "127.0.0.1");
  if (apiKeysEnabled || isLoopback(host)) return { host };
  return {
    host,
    warning: `API keys are off (security.api_key_enabled=false) and the API listens on ${host}: anyone who can reach it reads and writes every event`,
  };
}
