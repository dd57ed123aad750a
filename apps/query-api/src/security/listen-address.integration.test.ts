import path from "node:path";
import {
  type AppProcess,
  createTestDatabase,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
} from "@trading-analytics/core/testing";

const QUERY_API = path.resolve(__dirname, "../../dist/main.js");

/** The query-api process as operators run it: where does it listen, and does it say so? */
describe("the query-api's listening address", () => {
  let db: TestDatabase;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("listen_address");
  });

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop("SIGTERM")));
    await db?.drop();
  });

  async function start(env: Record<string, string>): Promise<{ app: AppProcess; listening: Record<string, unknown>; warnings: string[] }> {
    const port = await freePort();
    const app = await startAppProcess(
      QUERY_API,
      { QUERY_API_PORT: String(port), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","), ...env },
      port,
    );
    started.push(app);
    const lines = app
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const listening = lines.find((line) => line.message === "query-api listening")!;
    const warnings = lines.filter((line) => line.level === "warn").map((line) => String(line.message));
    return { app, listening, warnings };
  }

  it("listens on loopback only when API keys are off and no host is set", async () => {
    const { listening, warnings } = await start({ API_KEY_ENABLED: "false" });
    expect(listening).toMatchObject({ host: "127.0.0.1" });
    expect(warnings.filter((message) => message.includes("API keys are off"))).toEqual([]);
  });

  it("keeps a host set on purpose, and warns that a keyless API is open to the network", async () => {
    const { listening, warnings } = await start({ API_KEY_ENABLED: "false", QUERY_API_HOST: "0.0.0.0" });
    expect(listening).toMatchObject({ host: "0.0.0.0" });
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining("API keys are off")]));
  });

  it("listens on every interface with API keys on", async () => {
    const { listening, warnings } = await start({ API_KEY_ENABLED: "true" });
    expect(listening).toMatchObject({ host: "0.0.0.0" });
    expect(warnings.filter((message) => message.includes("API keys are off"))).toEqual([]);
  });
});
