import { randomDelay, type Scenario } from "./scenario";

/** SIGKILL of the aggregator at random instants; it is restarted at once. */
export const aggregatorSigkill: Scenario = {
  name: "aggregator SIGKILL",
  async inject({ fleet, profile, log }) {
    const times = profile === "long" ? 5 : 2;
    for (let i = 0; i < times; i++) {
      await randomDelay(500, 4_000);
      const victim = fleet.aggregator!;
      await fleet.kill(victim, "SIGKILL");
      log(`aggregator pid ${victim.child.pid} killed (${i + 1}/${times}); restarting it`);
      await fleet.startAggregator();
    }
  },
};
