import ipaddr from "ipaddr.js";

/**
 * Express's "trust proxy" value for security.trusted_proxies: false (the peer is the client,
 * X-Forwarded-For ignored) when none are configured, else the list of trusted proxy addresses.
 */
export function trustProxySetting(trustedProxies: readonly string[]): false | string[] {
  return trustedProxies.length === 0 ? false : [...trustedProxies];
}

/**
 * The rate-limit bucket of a client address: IPv4-mapped IPv6 folds to IPv4, and IPv6 is
 * limited per /64, since one client usually holds a whole /64 and could rotate through it.
 */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return "unknown";
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(ip.replace(/%.*$/, ""));
  } catch {
    return ip;
  }
  if (parsed.kind() === "ipv4") return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toString()}/64`;
}
