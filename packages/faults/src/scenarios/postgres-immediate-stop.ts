import { type Scenario, sleep } from "./scenario";

/** `pg_ctl -m immediate stop` on the private cluster, a few seconds down, then start (crash recovery). */
export const postgresImmediateStop: Scenario = {
  name: "PostgreSQL immediate stop",
  async inject({ stack, log }) {
    await stack.stopPostgresImmediately();
    log("private PostgreSQL stopped (immediate)");
    await sleep(5_000);
    await stack.startPostgres();
    log("private PostgreSQL started again");
  },
};
