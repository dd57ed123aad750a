import type { ArmedIngester } from "../app-fleet";
import { HAPPENED_BETWEEN_COMMITS, PLANNED_BETWEEN_COMMITS } from "../between-commits";
import { randomDelay, type Scenario, sleep } from "./scenario";

const KILLS = 10;
/** How long an armed replica gets to join the group (after the dead member's session expires) and store its chunks. */
const HOOK_WAIT_MS = 45_000;

/**
 * SIGKILL of an ingester replica 10 times (2 replicas in one group), a replacement started at
 * once after each. Every other kill is placed exactly between a chunk's database commit and
 * its Kafka commit: the replacement is armed with the ingester's own fault hook
 * (INGESTER_FAULT_KILL_AFTER_DB_COMMIT=every:N, N drawn from 2..5) and kills itself there;
 * the others hit a random replica at a random instant. An armed replica that does not fire in
 * time is killed from outside too; the figures say how many of the planned kills between the
 * commits really happened, and the suite fails when fewer did.
 */
export const ingesterSigkill: Scenario = {
  name: "ingester SIGKILL",
  async inject({ fleet, log }) {
    let planned = 0;
    let betweenCommits = 0;
    let atRandom = 0;
    let armed: ArmedIngester | undefined;
    for (let i = 0; i < KILLS; i++) {
      if (armed) {
        const fired = await Promise.race([armed.fired, sleep(HOOK_WAIT_MS).then(() => false)]);
        if (fired) {
          betweenCommits++;
          log(`armed ingester killed itself between the database and the Kafka commit (${i + 1}/${KILLS}): ${fleet.hookKills.at(-1)?.announcement ?? ""}`);
        } else {
          // It never got to store its chunks in time: killed from outside like the others.
          if (armed.app) {
            await fleet.kill(armed.app, "SIGKILL");
            fleet.forget(armed.app);
          }
          atRandom++;
          log(`armed ingester did not fire within ${HOOK_WAIT_MS} ms; killed at a random instant instead, one kill between the commits short (${i + 1}/${KILLS})`);
        }
        armed = undefined;
      } else {
        await randomDelay(500, 4_000);
        const victim = fleet.ingesters[Math.floor(Math.random() * fleet.ingesters.length)]!;
        await fleet.kill(victim, "SIGKILL");
        fleet.forget(victim);
        atRandom++;
        log(`ingester pid ${victim.child.pid} killed at a random instant (${i + 1}/${KILLS})`);
      }
      if (i % 2 === 0 && i + 1 < KILLS) {
        const plan = `every:${2 + Math.floor(Math.random() * 4)}`;
        armed = await fleet.addArmedIngester(plan);
        planned++;
        log(`replacement armed with ${plan}`);
      } else {
        await fleet.addIngester();
      }
    }
    return { kills: KILLS, [PLANNED_BETWEEN_COMMITS]: planned, [HAPPENED_BETWEEN_COMMITS]: betweenCommits, kills_at_random_instants: atRandom };
  },
};
