import { createHash } from "node:crypto";

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  checksum: string;
}

const FILE_PATTERN = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

/** Parses "0003_custom_event_definitions.sql"; undefined for files that are not migrations. */
export function parseMigrationFileName(fileName: string): { version: number; name: string } | undefined {
  const match = FILE_PATTERN.exec(fileName);
  if (!match) return undefined;
  return { version: Number(match[1]), name: match[2]! };
}

export function checksumOf(sqlText: string): string {
  return createHash("sha256").update(sqlText).digest("hex");
}

/**
 * Which migrations still need applying. An applied migration whose file changed since is an
 * error: editing history silently would leave databases that differ while claiming one version.
 */
export function planMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationFile[] {
  const versions = new Set<number>();
  for (const file of files) {
    if (versions.has(file.version)) throw new Error(`two migration files share version ${file.version}`);
    versions.add(file.version);
  }
  const appliedByVersion = new Map(applied.map((row) => [row.version, row.checksum]));
  for (const file of files) {
    const checksum = appliedByVersion.get(file.version);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new Error(`migration ${file.version}_${file.name} was changed after it was applied; add a new migration instead`);
    }
  }
  return files.filter((file) => !appliedByVersion.has(file.version)).sort((a, b) => a.version - b.version);
}
