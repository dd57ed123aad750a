import { checksumOf, parseMigrationFileName, planMigrations } from "./migration-plan";

const file = (version: number, sql = `select ${version}`) => ({ version, name: `m${version}`, sql, checksum: checksumOf(sql) });

describe("planMigrations", () => {
  it("returns the unapplied migrations in version order", () => {
    const files = [file(3), file(1), file(2)];
    expect(planMigrations(files, [{ version: 1, checksum: file(1).checksum }]).map((m) => m.version)).toEqual([2, 3]);
  });

  it("rejects an applied migration whose text changed", () => {
    expect(() => planMigrations([file(1, "select 42")], [{ version: 1, checksum: file(1).checksum }])).toThrow(/changed after it was applied/);
  });

  it("rejects two files with one version", () => {
    expect(() => planMigrations([file(1), { ...file(1), name: "other" }], [])).toThrow(/share version 1/);
  });
});

describe("parseMigrationFileName", () => {
  it("reads version and name and ignores other files", () => {
    expect(parseMigrationFileName("0004_api_keys.sql")).toEqual({ version: 4, name: "api_keys" });
    expect(parseMigrationFileName("README.md")).toBeUndefined();
    expect(parseMigrationFileName("4_x.sql")).toBeUndefined();
  });
});
