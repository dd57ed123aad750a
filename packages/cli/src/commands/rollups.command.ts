import { RollupsRepository, rollupsVersionKey } from "@trading-analytics/core";
import { EventTail, type RebuiltDay, RollupPlan, RollupsRebuild } from "@trading-analytics/rollups";
import { CommandFailed, EXIT } from "../cli-errors";
import { warn, write } from "../command";
import { confirm } from "../confirm";
import { progressBar } from "../progress";
import { createCliLogger, loadCliConfig, withOptionalRedis, withSql } from "../runtime";
import { daysText, ROLLUPS_USAGE, type RollupsCommand, rollupPlanOptions } from "./rollups.args";

export async function executeRollupsRebuild(command: RollupsCommand): Promise<number> {
  const days = RollupsRebuild.daysOf(command.from, command.to);
  const config = loadCliConfig();
  const plan = new RollupPlan(rollupPlanOptions(config));
  if (!command.yes) {
    const question = `Rebuild the rollups (${plan.intervals.join(", ")}) of ${daysText(days)} from the stored events? This deletes and rewrites them.`;
    if (!(await confirm(question, ROLLUPS_USAGE.rebuild))) throw new CommandFailed("not confirmed; nothing changed");
  }

  const rebuilt: RebuiltDay[] = [];
  await withSql(config, async (sql) => {
    const rebuilder = new RollupsRebuild(sql, new EventTail(sql), new RollupsRepository(sql), plan);
    const bar = progressBar(days.length, "rebuilding rollups |{bar}| {value}/{total} days  {day}  eta {eta_formatted}", { day: "" });
    try {
      for (const day of days) {
        bar.update(rebuilt.length, { day: day.toISOString().slice(0, 10) });
        rebuilt.push(await rebuilder.rebuildDay(day));
        bar.update(rebuilt.length);
      }
    } finally {
      bar.stop();
    }
  });
  // The query-api caches rollups under this version: bump it, as the aggregator does after a fold.
  const told = await withOptionalRedis(config, createCliLogger(), async (redis) => {
    if (!redis) return false;
    await redis.incr(rollupsVersionKey(config.redis.key_prefix));
    return true;
  });

  if (command.json) {
    write(JSON.stringify(rebuilt.map((day) => ({ day: day.day.toISOString().slice(0, 10), events: day.events, rows: day.rows }))));
  } else {
    for (const day of rebuilt) write(`${day.day.toISOString().slice(0, 10)}  ${day.events} events refolded into ${day.rows} rollup rows`);
    write(`Rebuilt ${daysText(days)}.`);
  }
  if (!told) warn(`analytics rollups: Redis not reachable; the query-api may serve cached rollups for up to analytics.query.cache_ttl (${config.analytics.query.cache_ttl} ms)`);
  return EXIT.ok;
}
