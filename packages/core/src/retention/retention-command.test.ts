import { parseRetentionCommand, RETENTION_USAGE, RetentionUsageError } from "./retention-command";

describe("parseRetentionCommand", () => {
  it("reads run with its flags", () => {
    expect(parseRetentionCommand(["run"])).toEqual({ kind: "run", dryRun: false, json: false });
    expect(parseRetentionCommand(["run", "--dry-run"])).toEqual({ kind: "run", dryRun: true, json: false });
    expect(parseRetentionCommand(["run", "--json", "--dry-run"])).toEqual({ kind: "run", dryRun: true, json: true });
  });

  it("answers --help at either level", () => {
    expect(parseRetentionCommand(["--help"])).toEqual({ kind: "help", text: RETENTION_USAGE.main });
    expect(parseRetentionCommand(["run", "-h"])).toEqual({ kind: "help", text: RETENTION_USAGE.run });
  });

  it("refuses a missing or unknown command, an unknown flag and stray arguments, with the usage", () => {
    for (const argv of [[], ["purge"], ["run", "--dryrun"], ["run", "events"]]) {
      expect(() => parseRetentionCommand(argv)).toThrow(RetentionUsageError);
    }
    try {
      parseRetentionCommand(["run", "--dryrun"]);
    } catch (error) {
      expect((error as RetentionUsageError).message).toMatch(/--dryrun/);
      expect((error as RetentionUsageError).usage).toBe(RETENTION_USAGE.run);
    }
  });
});
