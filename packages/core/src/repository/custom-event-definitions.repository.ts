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

export interface NewDefinition {
  name: string;
  displayName?: string | null;
  description?: string | null;
  schema: Record<string, unknown>;
  isActive?: boolean;
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

  async findActive(name: string): Promise<CustomEventDefinition | undefined> {
    const [row] = await this.sql<DefinitionRow[]>`
      select name, version, display_name, description, schema, is_active, created_at
      from custom_event_definitions where name = ${name} and is_active`;
    return row ? toDefinition(row) : undefined;
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

  /** Stores a new version of `name` and makes it the active one (unless isActive is false). */
  async define(definition: NewDefinition): Promise<CustomEventDefinition> {
    return this.sql.begin(async (tx) => {
      // Serialises concurrent definitions of one name so versions never collide.
      await tx`select pg_advisory_xact_lock(hashtext(${`custom_event_definitions:${definition.name}`}))`;
      const [latest] = await tx<{ version: number | null }[]>`
        select max(version) as version from custom_event_definitions where name = ${definition.name}`;
      const isActive = definition.isActive ?? true;
      if (isActive) await tx`update custom_event_definitions set is_active = false where name = ${definition.name} and is_active`;
      const [row] = await tx<DefinitionRow[]>`
        insert into custom_event_definitions (name, version, display_name, description, schema, is_active)
        values (${definition.name}, ${(latest?.version ?? 0) + 1}, ${definition.displayName ?? null},
                ${definition.description ?? null}, ${tx.json(definition.schema as Parameters<Sql["json"]>[0])}, ${isActive})
        returning name, version, display_name, description, schema, is_active, created_at`;
      return toDefinition(row!);
    });
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
