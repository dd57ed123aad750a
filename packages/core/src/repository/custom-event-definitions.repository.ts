import { type CustomEventDefinition, isKnownEventType } from "../models";
import { schemaIds } from "../validation/custom-schema";
import type { Sql, SqlTransaction } from "./database";

interface DefinitionRow {
  name: string;
  version: number;
  display_name: string | null;
  description: string | null;
  schema: Record<string, unknown>;
  is_active: boolean;
  created_at: Date;
}

/** What a client supplies for a definition; the version and creation time are the repository's. */
export interface CustomEventDefinitionInput {
  displayName?: string | null;
  description?: string | null;
  schema: Record<string, unknown>;
  /** Defaults to true. */
  isActive?: boolean;
}

export type CustomEventDefinitionErrorReason = "already_exists" | "not_found" | "not_active" | "built_in" | "schema_id_taken";

/** A change to custom definitions that cannot be made; `reason` says why. */
export class CustomEventDefinitionError extends Error {
  constructor(
    readonly reason: CustomEventDefinitionErrorReason,
    readonly eventType: string,
    message: string,
  ) {
    super(message);
    this.name = "CustomEventDefinitionError";
  }
}

/**
 * Versioned custom event definitions: each change is a new version and old versions are kept.
 * Only a name's latest version can be active, and at most one version per name is.
 */
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

  /** Version 1 of a new name; a name defined before (active or not) is `already_exists`. */
  async create(name: string, input: CustomEventDefinitionInput): Promise<CustomEventDefinition> {
    assertNotBuiltIn(name);
    return this.sql.begin(async (tx) => {
      await assertSchemaIdsFree(tx, name, input);
      // Every name has a version 1 (versions are never deleted), so the primary key is the
      // existence check, and it holds under concurrent creates too.
      const [row] = await tx<DefinitionRow[]>`
        insert into custom_event_definitions ${insertValues(tx, name, 1, input)}
        on conflict (name, version) do nothing
        returning name, version, display_name, description, schema, is_active, created_at`;
      if (!row) throw new CustomEventDefinitionError("already_exists", name, `custom event type ${name} already exists`);
      return toDefinition(row);
    });
  }

  /**
   * A new version (latest + 1) with the given fields; it replaces whichever version was active,
   * in one transaction. Concurrent updates of one name queue on its rows and get distinct versions.
   */
  async update(name: string, input: CustomEventDefinitionInput): Promise<CustomEventDefinition> {
    assertNotBuiltIn(name);
    return this.sql.begin(async (tx) => {
      const latest = await lockLatest(tx, name);
      if (!latest) throw notFound(name);
      await assertSchemaIdsFree(tx, name, input);
      await tx`update custom_event_definitions set is_active = false where name = ${name} and is_active`;
      const [row] = await tx<DefinitionRow[]>`
        insert into custom_event_definitions ${insertValues(tx, name, latest.version + 1, input)}
        returning name, version, display_name, description, schema, is_active, created_at`;
      return toDefinition(row!);
    });
  }

  /**
   * Leaves the name with no active version (what DELETE means: ingest stops accepting it as
   * defined); every version is kept. Returns the latest version as it now stands.
   */
  async deactivate(name: string): Promise<CustomEventDefinition> {
    return this.sql.begin(async (tx) => {
      const latest = await lockLatest(tx, name);
      if (!latest) throw notFound(name);
      const changed = await tx`update custom_event_definitions set is_active = false where name = ${name} and is_active`;
      if (changed.count === 0) throw new CustomEventDefinitionError("not_active", name, `custom event type ${name} is not active`);
      return toDefinition({ ...latest, is_active: false });
    });
  }

  /** The latest version of a name, active or not (its isActive says which). */
  async get(name: string): Promise<CustomEventDefinition | undefined> {
    const [row] = await this.sql<DefinitionRow[]>`
      select name, version, display_name, description, schema, is_active, created_at
      from custom_event_definitions where name = ${name} order by version desc limit 1`;
    return row ? toDefinition(row) : undefined;
  }

  /** The latest version of every name, by name; inactive names too unless `activeOnly`. */
  async list({ activeOnly = false } = {}): Promise<CustomEventDefinition[]> {
    const rows = await this.sql<DefinitionRow[]>`
      select * from (
        select distinct on (name) name, version, display_name, description, schema, is_active, created_at
        from custom_event_definitions order by name, version desc
      ) latest
      ${activeOnly ? this.sql`where is_active` : this.sql``}
      order by name`;
    return rows.map(toDefinition);
  }

  /** Every version of a name, oldest first; empty if it was never defined. */
  async versions(name: string): Promise<CustomEventDefinition[]> {
    const rows = await this.sql<DefinitionRow[]>`
      select name, version, display_name, description, schema, is_active, created_at
      from custom_event_definitions where name = ${name} order by version`;
    return rows.map(toDefinition);
  }
}

/**
 * Locks every version row of a name, then reads the latest in a second statement: under read
 * committed that statement's snapshot is taken after the lock is granted, so it sees a version
 * a concurrent update just committed (the locking statement itself would not).
 */
async function lockLatest(tx: SqlTransaction, name: string): Promise<DefinitionRow | undefined> {
  await tx`select 1 from custom_event_definitions where name = ${name} for update`;
  const [row] = await tx<DefinitionRow[]>`
    select name, version, display_name, description, schema, is_active, created_at
    from custom_event_definitions where name = ${name} order by version desc limit 1`;
  return row;
}

/** Serializes definition changes that declare a $id, so two cannot claim one at the same time. */
const SCHEMA_ID_LOCK = 7_204_119_015;

/**
 * A $id names one schema: another active type declaring the same one is refused (the same
 * name's new version may keep its own). Inactive definitions are checked again when reactivated,
 * since that stores a new version.
 */
async function assertSchemaIdsFree(tx: SqlTransaction, name: string, input: CustomEventDefinitionInput): Promise<void> {
  const ids = input.isActive === false ? [] : schemaIds(input.schema);
  if (ids.length === 0) return;
  await tx`select pg_advisory_xact_lock(${SCHEMA_ID_LOCK})`;
  const others = await tx<{ name: string; schema: Record<string, unknown> }[]>`
    select name, schema from custom_event_definitions where is_active and name <> ${name} order by name`;
  for (const other of others) {
    const taken = schemaIds(other.schema).find((id) => ids.includes(id));
    if (taken) {
      throw new CustomEventDefinitionError("schema_id_taken", name, `schema $id ${taken} is already declared by the active custom event type ${other.name}`);
    }
  }
}

function assertNotBuiltIn(name: string): void {
  if (isKnownEventType(name)) {
    throw new CustomEventDefinitionError("built_in", name, `${name} is a built-in event type and cannot be defined`);
  }
}

function notFound(name: string): CustomEventDefinitionError {
  return new CustomEventDefinitionError("not_found", name, `custom event type ${name} is not defined`);
}

function insertValues(sql: Sql | SqlTransaction, name: string, version: number, input: CustomEventDefinitionInput) {
  // sql.json: a JSON text bound to a jsonb parameter would be stored as a jsonb string.
  return sql`
    (name, version, display_name, description, schema, is_active)
    values (${name}, ${version}, ${input.displayName ?? null}, ${input.description ?? null},
            ${sql.json(input.schema as Parameters<Sql["json"]>[0])}, ${input.isActive ?? true})`;
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
