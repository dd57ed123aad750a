import { SetAsideEventsRepository, type StoredSetAsideEvent } from "@trading-analytics/core";
import { EXIT } from "../cli-errors";
import { write } from "../command";
import { formatTable, utcTime } from "../format/table";
import { loadCliConfig, withSql } from "../runtime";
import type { SetAsideCommand } from "./set-aside.args";

export async function executeSetAside(command: SetAsideCommand): Promise<number> {
  const config = loadCliConfig();
  const events = await withSql(config, async (sql) => {
    const page = await new SetAsideEventsRepository(sql).list({ from: command.from, to: command.to, reason: command.reason, limit: command.limit });
    return page.events;
  });
  if (command.json) {
    write(JSON.stringify(events.map(toJson)));
    return EXIT.ok;
  }
  if (events.length === 0) {
    write(`No events set aside between ${utcTime(command.from)} and ${utcTime(command.to)} UTC.`);
    return EXIT.ok;
  }
  write(
    formatTable([
      ["SET ASIDE AT", "EVENT ID", "EVENT TIME", "TYPE", "REASON", "DETAIL"],
      ...events.map((e) => [utcTime(e.setAsideAt), e.eventId, utcTime(e.eventTime), e.eventType, e.reason, e.detail]),
    ]),
  );
  if (events.length === command.limit) write(`(first ${command.limit}; raise --limit or narrow --since/--until for more)`);
  return EXIT.ok;
}

function toJson(event: StoredSetAsideEvent) {
  return {
    event_id: event.eventId,
    event_time: event.eventTime.toISOString(),
    event_type: event.eventType,
    reason: event.reason,
    detail: event.detail,
    set_aside_at: event.setAsideAt.toISOString(),
  };
}
