import { parseApiKeyCommand } from "./api-key-args";
import { UsageError } from "./usage-error";

function usageError(argv: string[]): string {
  try {
    parseApiKeyCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error("expected a UsageError");
}

describe("parseApiKeyCommand", () => {
  it("parses create with deduplicated scopes and an optional rate limit", () => {
    expect(parseApiKeyCommand(["create", "--name", " ops ", "--scopes", "read, write,read", "--rate-limit", "600"])).toEqual({
      kind: "create",
      name: "ops",
      scopes: ["read", "write"],
      rateLimitPerMinute: 600,
      json: false,
    });
    expect(parseApiKeyCommand(["create", "--name=x", "--scopes=admin", "--json"])).toMatchObject({ rateLimitPerMinute: undefined, json: true });
  });

  it("parses list and revoke", () => {
    expect(parseApiKeyCommand(["list"])).toEqual({ kind: "list", json: false });
    expect(parseApiKeyCommand(["revoke", "ta_1234abcd"])).toEqual({ kind: "revoke", idOrPrefix: "ta_1234abcd" });
  });

  it("answers --help for the tool and for each command", () => {
    expect(parseApiKeyCommand(["--help"])).toMatchObject({ kind: "help", text: expect.stringContaining("Commands:") });
    expect(parseApiKeyCommand(["create", "--help"])).toMatchObject({ text: expect.stringContaining("--scopes SCOPES") });
    expect(parseApiKeyCommand(["list", "-h"])).toMatchObject({ text: expect.stringContaining("api-key list") });
    expect(parseApiKeyCommand(["revoke", "--help"])).toMatchObject({ text: expect.stringContaining("<key_id|prefix>") });
  });

  it("names what is wrong with a call", () => {
    expect(usageError([])).toBe("a command is required");
    expect(usageError(["delete"])).toBe('unknown command "delete"');
    expect(usageError(["create", "--scopes", "read"])).toMatch(/^--name/);
    expect(usageError(["create", "--name", "x"])).toMatch(/^--scopes is required/);
    expect(usageError(["create", "--name", "x", "--scopes", "read,root"])).toMatch(/unknown scope "root"; allowed: read, write, admin/);
    expect(usageError(["create", "--name", "x", "--scopes", ","])).toMatch(/at least one scope/);
    expect(usageError(["create", "--name", "x", "--scopes", "read", "--rate-limit", "0"])).toMatch(/^--rate-limit: an integer from 1/);
    expect(usageError(["create", "--name", "x", "--scopes", "read", "--rate-limit", "1.5"])).toMatch(/^--rate-limit/);
    expect(usageError(["create", "--nmae", "x"])).toMatch(/nmae/);
    expect(usageError(["revoke"])).toMatch(/exactly one/);
    expect(usageError(["revoke", "a", "b"])).toMatch(/exactly one/);
    expect(usageError(["list", "extra"])).toMatch(/extra/);
  });
});
