import type { CustomEventDefinition } from "@trading-analytics/core";
import { formatTable, utcTime } from "../format/table";

/** One row per definition; with `schemas` (the versions of one name), each version's schema below the table. */
export function definitionsTable(definitions: readonly CustomEventDefinition[], schemas = false): string {
  const rows = definitions.map((d) => [d.name, String(d.version), d.isActive ? "active" : "inactive", d.displayName ?? "-", utcTime(d.createdAt), d.description ?? "-"]);
  const table = formatTable([["NAME", "VERSION", "STATUS", "DISPLAY NAME", "CREATED (UTC)", "DESCRIPTION"], ...rows]);
  if (!schemas) return table;
  return [table, "", ...definitions.map((d) => `v${d.version} schema: ${JSON.stringify(d.schema)}`)].join("\n");
}
