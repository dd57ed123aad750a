/** Left-aligned columns two spaces apart; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

/** "2025-01-31 12:00:00" (UTC), or "-". */
export function utcTime(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 19).replace("T", " ") : "-";
}
