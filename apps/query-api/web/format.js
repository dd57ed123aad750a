// How figures read on the dashboard: short, tabular, with a dash for "nothing to say".

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const price = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });
const seconds = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

export const DASH = "–";

export function formatCount(n) {
  return typeof n === "number" && Number.isFinite(n) ? integer.format(n) : DASH;
}

export function formatRate(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return DASH;
  return n >= 100 ? integer.format(n) : decimal.format(n);
}

export function formatCompact(n) {
  return typeof n === "number" && Number.isFinite(n) ? compact.format(n) : DASH;
}

export function formatPrice(n) {
  return typeof n === "number" && Number.isFinite(n) ? price.format(n) : DASH;
}

/** A figure already in percent (the API's per-order rates). */
export function formatPercentValue(percent) {
  return typeof percent === "number" && Number.isFinite(percent) ? `${decimal.format(percent)}%` : DASH;
}

export function formatMs(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return DASH;
  if (n >= 1000) return `${seconds.format(n / 1000)} s`;
  return `${n >= 100 ? integer.format(n) : decimal.format(n)} ms`;
}

/** HH:MM:SS in the viewer's time zone. */
export function formatClock(time) {
  const date = time instanceof Date ? time : new Date(time);
  return date.toLocaleTimeString("en-GB", { hour12: false });
}

/** One line about an event for the live feed: what a trader looks for first. */
export function describeEvent(event) {
  const p = event.properties ?? {};
  const parts = [];
  if (p.symbol) parts.push(p.symbol);
  if (p.side) parts.push(p.side);
  if (p.quantity !== undefined && p.price !== undefined) parts.push(`${formatCompact(p.quantity)} @ ${formatPrice(p.price)}`);
  else if (p.price !== undefined) parts.push(formatPrice(p.price));
  if (p.latency_ms !== undefined) parts.push(formatMs(p.latency_ms));
  if (p.strategy_id) parts.push(p.strategy_id);
  if (p.path) parts.push(p.path);
  if (p.reason) parts.push(p.reason);
  if (parts.length === 0 && event.user_id) parts.push(event.user_id);
  return parts.join(" · ");
}

/** Basis points, signed (slippage against the trader is positive). */
export function formatBps(n) {
  return typeof n === "number" && Number.isFinite(n) ? `${decimal.format(n)} bps` : DASH;
}

/** Seconds as the latency figures read (ms below a second, else s, min or h). */
export function formatSeconds(s) {
  if (typeof s !== "number" || !Number.isFinite(s)) return DASH;
  if (s >= 3600) return `${decimal.format(s / 3600)} h`;
  if (s >= 60) return `${decimal.format(s / 60)} min`;
  return formatMs(s * 1000);
}

/** Money with its sign, compact ("+1.2K", "-350"). */
export function formatSigned(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return DASH;
  return `${n > 0 ? "+" : ""}${compact.format(n)}`;
}

/** A plain ratio with up to two decimals (cancel-to-fill 0.25). */
export function formatRatio(n) {
  return typeof n === "number" && Number.isFinite(n) ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(n) : DASH;
}
