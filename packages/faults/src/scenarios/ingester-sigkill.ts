import { randomDelay, type Scenario } from "./scenario";

/** SIGKILL of an ingester replica at random instants (2 replicas in one group); a replacement starts at once. */
export const ingesterSigkill: Scenario = {
  name: "ingester SIGKILL",
  async inject({ fleet, profile, log }) {
    const times = profile === "long" ? 10 : 3;
    for (let i = 0; i < times; i++) {
      await randomDelay(500, 4_000);
      const victim = fleet.ingesters[Math.floor(Math.random() * fleet.ingesters.length)]!;
      await fleet.kill(victim, "SIGKILL");
      fleet.forget(victim);
      log(`ingester pid ${victim.child.pid} killed (${i + 1}/${times}); starting a replacement`);
      await fleet.addIngester();
    }
  },
};
