import { type Scenario, sleep } from "./scenario";

/** A third replica joins under load, then the oldest leaves (SIGTERM) and a new one replaces it. */
export const replicasChurn: Scenario = {
  name: "replicas added/removed",
  async inject({ fleet, log }) {
    await fleet.addIngester();
    log(`ingester added: ${fleet.ingesters.length} replicas`);
    await sleep(5_000);
    const oldest = fleet.ingesters[0]!;
    await fleet.kill(oldest, "SIGTERM");
    fleet.forget(oldest);
    log(`ingester pid ${oldest.child.pid} removed: ${fleet.ingesters.length} replicas`);
    await sleep(5_000);
    await fleet.addIngester();
    log(`ingester added: ${fleet.ingesters.length} replicas`);
    const extra = fleet.ingesters[0]!;
    await fleet.kill(extra, "SIGTERM");
    fleet.forget(extra);
    log(`back to ${fleet.ingesters.length} replicas`);
  },
};
