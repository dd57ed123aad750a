import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const LAUNCHER = path.resolve(__dirname, "../bin/analytics.js");

/** A copy of the package with the launcher and, if given, a dist/main.js. */
function packageCopy(main?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "analytics-launcher-"));
  mkdirSync(path.join(dir, "bin"));
  copyFileSync(LAUNCHER, path.join(dir, "bin", "analytics.js"));
  if (main !== undefined) {
    mkdirSync(path.join(dir, "dist"));
    writeFileSync(path.join(dir, "dist", "main.js"), main);
  }
  return dir;
}

async function launch(dir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(dir, "bin", "analytics.js"), ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe("the analytics launcher", () => {
  it("says in one line that the CLI is not built yet, and exits 1, when dist/ is missing", async () => {
    expect(await launch(packageCopy(), "dead-letters", "list")).toEqual({ code: 1, stdout: "", stderr: "analytics is not built yet: run pnpm build\n" });
  });

  it("names the missing module in one line when something the build needs at start is missing", async () => {
    const result = await launch(packageCopy('require("@trading-analytics/not-built");'), "--help");
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "analytics cannot start: Cannot find module '@trading-analytics/not-built'; run pnpm install, then pnpm build\n",
    });
  });

  it("runs dist/main.js with the arguments when it is there", async () => {
    const result = await launch(packageCopy("process.stdout.write(JSON.stringify(process.argv.slice(2)));"), "migrate", "--help");
    expect(result).toEqual({ code: 0, stdout: '["migrate","--help"]', stderr: "" });
  });
});
