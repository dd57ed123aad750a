import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApiKeysRepository, loadConfig } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, storeEvents, testCycle, tradingEvents } from "@trading-analytics/rollups/testing";
import { auditRollups } from "@trading-analytics/rollups";
import { rollupPlanOptions } from "./commands/rollups.args";
import { parseTradingCommand } from "./commands/trading.args";
import { figuresJson, normalizeRow } from "./commands/trading.format";
import { tradingQuery } from "./commands/trading.query";
import { EXAMPLE_CONFIG, runCli } from "./testing/run-cli";

const DAY = 86_400_000;

describe("analytics CLI on PostgreSQL", () => {
  let db: TestDatabase;
  const run = (...args: string[]) => runCli(args, { DATABASE_URL: db.url });

  beforeAll(async () => {
    db = await createTestDatabase("analytics_cli", { migrate: false });
  });
  afterAll(() => db?.drop());

  it("migrate creates the schema and today's events partitions on a fresh database", async () => {
    const first = await run("migrate");
    expect(first).toMatchObject({ code: 0, stderr: "" });
    const [tables] = await db.sql<{ events: string | null; keys: string | null; today: string | null }[]>`
      select to_regclass('events')::text as events, to_regclass('api_keys')::text as keys,
             to_regclass('events_' || to_char(now() at time zone 'utc', 'YYYYMMDD'))::text as today`;
    expect(tables).toEqual({ events: "events", keys: "api_keys", today: expect.stringMatching(/^events_\d{8}$/) });
  });

  it("api-key creates a key whose secret authenticates, lists it without the secret, and revokes it", async () => {
    const created = await run("api-key", "create", "--name", "grafana", "--scopes", "read", "--json");
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { key_id: string; prefix: string; secret: string };
    const keys = new ApiKeysRepository(db.sql);
    expect(await keys.findBySecret(key.secret)).toMatchObject({ name: "grafana", scopes: ["read"] });

    const listed = await run("api-key", "list");
    expect(listed).toMatchObject({ code: 0, stdout: expect.stringContaining(key.prefix) });
    expect(listed.stdout).not.toContain(key.secret.slice(12));

    expect(await run("api-key", "revoke", key.prefix)).toMatchObject({ code: 0, stdout: expect.stringContaining(`Revoked API key ${key.prefix}`) });
    expect(await keys.findBySecret(key.secret)).toBeNull();
  });

  it("event-type define stores version 1, then version 2; a schema ajv cannot compile stores nothing and exits 1 with ajv's message", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "analytics-cli-"));
    const schema = path.join(dir, "signal.schema.json");
    writeFileSync(schema, JSON.stringify({ type: "object", required: ["price"], properties: { price: { type: "number" } } }));
    const first = await run("event-type", "define", "custom.trading.signal", "--schema", schema, "--display-name", "Trading signal", "--json");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ name: "custom.trading.signal", version: 1, is_active: true, display_name: "Trading signal" });

    writeFileSync(schema, JSON.stringify({ type: "object", required: ["price", "side"], properties: { price: { type: "number" }, side: { enum: ["BUY", "SELL"] } } }));
    const second = await run("event-type", "define", "custom.trading.signal", "--schema", schema);
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining("Defined custom.trading.signal version 2 (active).") });

    const broken = path.join(dir, "broken.schema.json");
    writeFileSync(broken, JSON.stringify({ type: "object", properties: { price: { type: "decimal" } } }));
    const refused = await run("event-type", "define", "custom.trading.signal", "--schema", broken);
    expect(refused).toMatchObject({ code: 1, stdout: "" });
    expect(refused.stderr).toMatch(/^analytics event-type: .*broken\.schema\.json cannot be used: schema is invalid: data\/properties\/price\/type must be equal to one of the allowed values/);

    const [listed, versions] = await Promise.all([run("event-type", "list", "--json"), run("event-type", "list", "custom.trading.signal")]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: "custom.trading.signal", version: 2, display_name: "Trading signal" })]);
    expect(versions.stdout).toMatch(/custom\.trading\.signal\s+1\s+inactive\s+Trading signal/);
    expect(versions.stdout).toMatch(/custom\.trading\.signal\s+2\s+active\s+Trading signal/);
    expect(versions.stdout).toContain('v2 schema: {"type":"object","required":["price","side"]');
  });

  it("retention run --dry-run lists what it would drop and changes nothing", async () => {
    const result = await run("retention", "run", "--dry-run");
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Retention dry run at /) });
  });

  it("rollups rebuild restores exact rollups of whole days (audited against plain SQL) and asks first", async () => {
    const plan = rollupPlanOptions(loadConfig({ file: EXAMPLE_CONFIG, env: {} }).config);
    await storeEvents(db.sql, tradingEvents(600, { endMs: Date.now(), spanMs: DAY / 2, seed: 5 }));
    await drain(testCycle(db.sql, { plan }));
    await db.sql`update metric_rollups set count = count + 3 where interval = '1m'`;
    await db.sql`delete from metric_rollups where interval = '1h'`;
    expect((await auditRollups(db.sql, plan)).mismatches.length).toBeGreaterThan(0);

    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date().toISOString();
    // Without a terminal nobody can confirm: a usage error, and nothing changes.
    const unconfirmed = await run("rollups", "rebuild", "--from", from, "--to", to);
    expect(unconfirmed).toMatchObject({ code: 2, stderr: expect.stringContaining("pass --yes") });
    expect((await auditRollups(db.sql, plan)).mismatches.length).toBeGreaterThan(0);

    const rebuilt = await run("rollups", "rebuild", "--from", from, "--to", to, "--yes", "--json");
    expect(rebuilt.code).toBe(0);
    const days = JSON.parse(rebuilt.stdout) as Array<{ day: string; events: number }>;
    expect(days.map((day) => day.day)).toEqual([from.slice(0, 10), to.slice(0, 10)].filter((day, index, all) => all.indexOf(day) === index));
    expect(days.reduce((sum, day) => sum + day.events, 0)).toBe(600);
    expect((await auditRollups(db.sql, plan)).mismatches).toEqual([]);
  });

  it("trading prints exactly the rows of each figure's SQL function, or says the migration is missing", async () => {
    // Runs after the rebuild above: half a day of folded trading events.
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const lines = [
      ["orders"],
      ["orders", "--by", "symbol"],
      ["execution", "--by", "strategy"],
      ["pnl", "--by", "symbol"],
      ["market-data"],
      ["market-data", "--by", "gap"],
      ["sessions"],
    ].map((args) => [...args, "--from", from, "--to", to]);
    lines.push(["positions", "--at", to], ["positions", "--at", to, "--by", "position"]);
    for (const args of lines) {
      const command = parseTradingCommand(args, new Date());
      if (command.kind === "help") throw new Error("help");
      const query = tradingQuery(command);
      const [found] = await db.sql<{ exists: boolean }[]>`select exists (select 1 from pg_proc where proname = ${query.fn}) as exists`;
      const exists = found?.exists === true;
      const result = await run("trading", ...args, "--json");
      if (!exists) {
        expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: expect.stringContaining(`has no ${query.fn}(): run "analytics migrate"`) });
        continue;
      }
      const direct = await db.sql.unsafe(query.text, query.params);
      const columns = direct.columns.map((column) => ({ name: column.name, type: column.type }));
      const expected = JSON.parse(JSON.stringify(figuresJson(direct.map((row) => normalizeRow(columns, row as Record<string, unknown>))))) as unknown;
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual(expected);
    }
  });
});
