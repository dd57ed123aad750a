import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { localStackDefaults, localStackHint } from "./local-stack";

describe("localStackDefaults", () => {
  const empty = () => mkdtempSync(path.join(tmpdir(), "analytics-local-stack-"));
  const LOCAL = {
    DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:5432/analytics",
    REDIS_URL: "redis://127.0.0.1:6379",
    KAFKA_BROKERS: "127.0.0.1:9092",
  };

  it("places every service on the local stack when nothing is configured", () => {
    expect(localStackDefaults({ KAFKA_DLQ_TOPIC: "dlq", LOG_LEVEL: "warn" }, empty())).toEqual(LOCAL);
  });

  it("leaves each service a variable places to that variable, and fills in the others", () => {
    expect(localStackDefaults({ DATABASE_URL: "postgres://db.internal/analytics" }, empty())).toEqual({
      REDIS_URL: LOCAL.REDIS_URL,
      KAFKA_BROKERS: LOCAL.KAFKA_BROKERS,
    });
    expect(localStackDefaults({ DB_HOST: "db.internal", REDIS_HOST: "cache", KAFKA_BROKERS: "kafka:9092" }, empty())).toEqual({});
  });

  it("adds nothing when a config file is given, by CONFIG_FILE or as ./config.yaml", () => {
    expect(localStackDefaults({ CONFIG_FILE: "config.example.yaml" }, empty())).toEqual({});
    const dir = empty();
    writeFileSync(path.join(dir, "config.yaml"), "{}\n");
    expect(localStackDefaults({}, dir)).toEqual({});
  });

  it("treats an empty variable as unset, as loadConfig does", () => {
    expect(localStackDefaults({ CONFIG_FILE: "", DATABASE_URL: "" }, empty())).toEqual(LOCAL);
  });
});

describe("localStackHint", () => {
  it("names the address tried and how to point elsewhere, only for a service on the local stack's default", () => {
    const defaults = { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:5432/analytics" };
    expect(localStackHint(defaults, "DATABASE_URL")).toMatch(/tried the local stack's DATABASE_URL=postgres:\/\/.*@127\.0\.0\.1:5432\/analytics; start that stack with pnpm stack:up/);
    expect(localStackHint(defaults, "KAFKA_BROKERS")).toBeUndefined();
    expect(localStackHint(defaults, undefined)).toBeUndefined();
  });
});
