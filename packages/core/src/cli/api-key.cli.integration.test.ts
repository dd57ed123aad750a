import { execFile } from "node:child_process";
import path from "node:path";
import { ApiKeysRepository } from "../repository/api-keys.repository";
import { createTestDatabase, freePort, type TestDatabase } from "../testing";

const CLI = path.resolve(__dirname, "../../dist/cli/api-key.cli.js");
const CONFIG = path.resolve(__dirname, "../../../../config.example.yaml");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI as an operator runs it, against the test database. */
function apiKey(args: string[], databaseUrl: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, CONFIG_FILE: CONFIG, DATABASE_URL: databaseUrl }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("api-key CLI", () => {
  let db: TestDatabase;
  let keys: ApiKeysRepository;
  const run = (...args: string[]) => apiKey(args, db.url);

  beforeAll(async () => {
    db = await createTestDatabase("api_key_cli");
    keys = new ApiKeysRepository(db.sql);
  });
  afterAll(() => db?.drop());

  it("creates a key, printing its secret once, and the secret authenticates", async () => {
    const created = await run("create", "--name", "grafana", "--scopes", "read,write", "--rate-limit", "600");
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout).toMatch(/will not be shown again/);
    const secret = created.stdout.match(/ta_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/)?.[0];
    expect(secret).toBeDefined();
    expect(await keys.findBySecret(secret!)).toMatchObject({ name: "grafana", scopes: ["read", "write"], rateLimitPerMinute: 600 });

    const listed = await run("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(secret!.slice(0, 11)); // the prefix
    expect(listed.stdout).toContain("grafana");
    expect(listed.stdout).not.toContain(secret!.slice(12));
  });

  it("prints JSON for scripts, and lists keys as JSON without secrets", async () => {
    const created = await run("create", "--name", "ci", "--scopes", "admin", "--json");
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { key_id: string; prefix: string; secret: string; rate_limit_per_minute: number | null };
    expect(key).toMatchObject({ scopes: ["admin"], rate_limit_per_minute: null, note: expect.stringMatching(/not be shown again/) });

    const listed = JSON.parse((await run("list", "--json")).stdout) as Array<Record<string, unknown>>;
    const entry = listed.find((item) => item.key_id === key.key_id);
    expect(entry).toMatchObject({ prefix: key.prefix, name: "ci", revoked_at: null });
    expect(JSON.stringify(listed)).not.toContain(key.secret.slice(12));
  });

  it("revokes by prefix or key_id; the secret then stops working; unknown keys exit 1", async () => {
    const { key, secret } = await keys.create({ name: "old", scopes: ["read"] });
    const revoked = await run("revoke", key.prefix);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining(`Revoked API key ${key.prefix}`) });
    expect(await keys.findBySecret(secret)).toBeNull();
    expect(await run("revoke", key.keyId)).toMatchObject({ code: 0, stdout: expect.stringContaining("already revoked") });

    const unknown = await run("revoke", "ta_ffffffff");
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no API key with key_id or prefix "ta_ffffffff"') });
  });

  it("exits 2 with the usage on a usage error, and 0 on --help, without touching the database", async () => {
    const unreachable = "postgres://postgres@127.0.0.1:1/nowhere";
    const [help, createHelp, listHelp, revokeHelp, bad, none, unknown] = await Promise.all(
      [["--help"], ["create", "--help"], ["list", "--help"], ["revoke", "--help"], ["create", "--name", "x", "--scopes", "root"], [], ["rotate"]].map(
        (args) => apiKey(args, unreachable),
      ),
    );
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("Commands:") });
    expect(createHelp).toMatchObject({ code: 0, stdout: expect.stringContaining("--rate-limit N") });
    expect(listHelp).toMatchObject({ code: 0 });
    expect(revokeHelp).toMatchObject({ code: 0 });
    expect(bad).toMatchObject({ code: 2, stdout: "" });
    expect(bad!.stderr).toMatch(/^api-key: --scopes: unknown scope "root"/);
    expect(bad!.stderr).toContain("Usage: api-key create");
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: api-key <command>") });
    expect(unknown).toMatchObject({ code: 2 });
  });

  it("exits 1 with the reason when the database cannot be reached", async () => {
    const port = await freePort();
    const result = await apiKey(["list"], `postgres://postgres@127.0.0.1:${port}/nowhere`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^api-key failed: .*ECONNREFUSED/);
  });
});
