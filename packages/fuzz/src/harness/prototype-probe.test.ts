import { spawn } from "node:child_process";
import { prototypeProbe, sentinelEnv } from "./prototype-probe";

describe("the prototype sentinel", () => {
  it("reports pollution inside another process once, and nothing while there is none", async () => {
    // A stand-in app: pollutes Object.prototype when told (SIGUSR1), otherwise idles.
    const script = "process.on('SIGUSR1', () => { Object.prototype.polluted = true; }); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, ...sentinelEnv() }, stdio: ["ignore", "ignore", "pipe"] });
    try {
      const changes = prototypeProbe({ child });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the sentinel snapshots once the script has loaded
      expect(await changes()).toEqual([]);
      child.kill("SIGUSR1");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await changes()).toEqual(["Object.prototype.polluted added"]);
      expect(await changes()).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("fails rather than passes when the process cannot answer", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000);"], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Without the sentinel SIGUSR2 ends the process: no answer.
      await expect(prototypeProbe({ child }, 500)()).rejects.toThrow(/no prototype-sentinel answer/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
