import { createSql } from "../repository/database";
import { TEST_DATABASE_URL } from "../testing/stack-env";
import { loadConfig } from "./load-config";

describe("DATABASE_URL", () => {
  it("connects with NexusCore's postgresql:// scheme as with postgres://", async () => {
    for (const scheme of ["postgresql:", "postgres:"]) {
      const url = new URL(TEST_DATABASE_URL);
      const { config } = loadConfig({ cwd: "/nonexistent", env: { DATABASE_URL: `${scheme}//${url.href.slice(url.protocol.length + 2)}` } });
      expect(config.database.url!.startsWith(`${scheme}//`)).toBe(true);
      const sql = createSql(config.database, { applicationName: "database-url-test", max: 1 });
      try {
        const [row] = await sql<{ database: string }[]>`SELECT current_database() AS database`;
        expect(row!.database).toBe(url.pathname.slice(1));
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
  });
});
