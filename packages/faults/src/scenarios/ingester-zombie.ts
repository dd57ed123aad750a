import { SESSION_TIMEOUT_MS } from "../app-fleet";
import { type Scenario, sleep } from "./scenario";

/** SIGSTOP of an ingester past the session timeout (the group rebalances without it), then SIGCONT: a zombie wakes up. */
export const ingesterZombie: Scenario = {
  name: "ingester SIGSTOP/SIGCONT",
  async inject({ fleet, log }) {
    const victim = fleet.ingesters[0]!;
    victim.child.kill("SIGSTOP");
    log(`ingester pid ${victim.child.pid} stopped for ${SESSION_TIMEOUT_MS + 4_000} ms`);
    await sleep(SESSION_TIMEOUT_MS + 4_000);
    victim.child.kill("SIGCONT");
    log(`ingester pid ${victim.child.pid} continued`);
  },
};
