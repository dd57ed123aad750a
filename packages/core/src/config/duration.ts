import ms from "ms";

/** Parses "500ms", "5s", "1m", "2h", "90d" (or a number of milliseconds) into milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  // ms() accepts bare numbers as milliseconds and long forms ("1 hour"); both are fine here.
  const parsed = ms(value.trim() as ms.StringValue);
  return typeof parsed === "number" && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

export function formatDuration(milliseconds: number): string {
  return ms(milliseconds);
}
