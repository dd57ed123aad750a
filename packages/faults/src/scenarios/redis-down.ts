import { type Scenario, sleep } from "./scenario";

/** The private redis-server down for 30 s (10 s in the short profile). */
export const redisDown: Scenario = {
  name: "Redis down",
  async inject({ stack, profile, log }) {
    const downMs = profile === "long" ? 30_000 : 10_000;
    await stack.stopRedis();
    log(`private Redis stopped for ${downMs} ms`);
    await sleep(downMs);
    await stack.startRedis();
    log("private Redis started again");
  },
};
