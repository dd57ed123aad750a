import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCliUnconfigured, unconfiguredEnv } from "./testing/run-cli";

// The test stack is the local stack (127.0.0.1), so these succeed only through the CLI's own
// defaults if nothing in the child's environment or working directory configures it.
describe("analytics with no configuration at all", () => {
  const cwd = mkdtempSync(path.join(tmpdir(), "analytics-unconfigured-"));

  it("runs with neither a config file nor a variable that places a service", () => {
    expect(existsSync(path.join(cwd, "config.yaml"))).toBe(false);
    const placing = Object.keys(unconfiguredEnv({ ...process.env, CONFIG_FILE: "x", DATABASE_URL: "x", DB_HOST: "x", REDIS_URL: "x", KAFKA_BROKERS: "x", KAFKA_DLQ_TOPIC: "x" }));
    expect(placing.filter((name) => /^(CONFIG_FILE|DATABASE_URL|DB_|REDIS_|KAFKA_)/.test(name))).toEqual([]);
  });

  it("lists dead letters from the local stack's Kafka", async () => {
    const result = await runCliUnconfigured(["dead-letters", "list", "--since", "1m", "--json"], cwd);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual(expect.any(Array));
  });

  it("reaches the local stack's PostgreSQL as postgres/postgres, whether or not it is migrated yet", async () => {
    const result = await runCliUnconfigured(["api-key", "list", "--json"], cwd);
    expect(result.stderr).not.toMatch(/ECONNREFUSED|authentication failed|tried the local stack/);
    // infra/test.sh does not migrate the local `analytics` database; infra/start.sh does.
    if (result.code === 0) expect(JSON.parse(result.stdout)).toEqual(expect.any(Array));
    else expect(result.stderr).toContain('relation "api_keys" does not exist');
  });
});
