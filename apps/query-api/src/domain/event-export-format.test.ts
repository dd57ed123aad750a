import { stringify } from "csv-stringify/sync";
import type { AnalyticsEvent } from "@trading-analytics/core";
import { exportEncoder, exportFileName } from "./event-export-format";

describe("exportFileName", () => {
  it("names the range without characters some file systems refuse", () => {
    expect(exportFileName(new Date("2025-10-03T00:00:00Z"), new Date("2025-10-04T12:30:15.250Z"), "csv")).toBe(
      "events-20251003T000000Z-20251004T123015Z.csv",
    );
  });
});

describe("the CSV encoder", () => {
  const ID = "00000000-0000-4000-8000-000000000001";
  const TIMES = ["2025-10-03T00:00:00.000Z", "2025-10-03T00:00:01.000Z"];
  const event = (userId: string, sessionId: string, service?: string): AnalyticsEvent =>
    ({
      eventId: "00000000-0000-4000-8000-000000000001",
      eventType: "user.login",
      userId,
      sessionId,
      ...(service !== undefined && { service }),
      timestamp: new Date("2025-10-03T00:00:00Z"),
      receivedAt: new Date("2025-10-03T00:00:01Z"),
      properties: { note: "=1+1" },
      source: null,
    }) satisfies AnalyticsEvent;

  it.each(["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "\uFF1Dcmd"])(
    "prefixes a cell starting like a formula (%j) with a single quote",
    (value) => {
      const text = exportEncoder("csv").encode([event(value, "plain", value)]);
      expect(text).toBe(stringify([[ID, "user.login", `'${value}`, "plain", ...TIMES, '{"note":"=1+1"}', ID, TIMES[1], `'${value}`]]));
    },
  );

  it("leaves ordinary cells, and properties' JSON, as they are", () => {
    const text = exportEncoder("csv").encode([event("u1", "s-1", "auth-service")]);
    expect(text).toBe(stringify([[ID, "user.login", "u1", "s-1", ...TIMES, '{"note":"=1+1"}', ID, TIMES[1], "auth-service"]]));
  });

  it("writes the service last, an empty field when the event names none", () => {
    expect(exportEncoder("csv").header).toBe("event_id,event_type,user_id,session_id,timestamp,received_at,properties,id,created_at,service\n");
    expect(exportEncoder("csv").encode([event("u1", "s-1")])).toBe(`${ID},user.login,u1,s-1,${TIMES.join(",")},"{""note"":""=1+1""}",${ID},${TIMES[1]},\n`);
  });
});
