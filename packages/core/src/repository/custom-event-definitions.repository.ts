import type { CustomEventDefinition } from "../models";
import type { Sql } from "./database";

interface DefinitionRow {
  name: string;
  version: number;
  display_name: string | null;
  description: string | null;
  schema: Record<string, unknown>;
  is_active: boolean;
  created_at: Date;
}

/** Versioned custom event definitions: each change is a new version; at most one is active. */
export class CustomEventDefinitionsRepository {
  constructor(private readonly sql: Sql) {}

  async listActive(): Promise<CustomEventDefinition[]> {
    const rows = await this.sql<DefinitionRow[]>`
      select name, version, display_name, description, schema, is_active, created_at
      from custom_event_definitions where is_active order by name`;
    return rows.map(toDefinition);
  }

  /**
   * A short fingerprint of which versions are active; it changes whenever a definition is
   * added, changed or deactivated, so readers can poll it cheaply and reload only then.
   */
  async fingerprint(): Promise<string> {
    const [row] = await this.sql<{ fingerprint: string | null }[]>`
      select md5(string_agg(name || ':' || version, ',' order by name)) as fingerprint
      from custom_event_definitions where is_active`;
    return row?.fingerprint ?? "none";
  }
}

function toDefinition(row: DefinitionRow): CustomEventDefinition {
  return {
    name: row.name,
    version: row.version,
    displayName: row.display_name,
    description: row.description,
    schema: row.schema,
    isActive: row.is_active,
    createdAt: row.created_at,
  };
}
