import { copyBatch, copyRow, copyValue } from "./copy-text";

describe("copyValue", () => {
  it("writes NULL as \\N and escapes the characters COPY text treats specially", () => {
    expect(copyValue(null)).toBe("\\N");
    expect(copyValue(undefined)).toBe("\\N");
    expect(copyValue("plain")).toBe("plain");
    expect(copyValue("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyValue(7)).toBe("7");
  });
});

describe("copyRow", () => {
  it("writes one tab-separated line per event, JSON properties escaped", () => {
    const row = copyRow({
      eventId: "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11",
      eventType: "page.view",
      userId: "u\t1",
      sessionId: null,
      service: "auth\tservice",
      properties: { path: "/a\\b", note: "line\nbreak" },
      timestamp: new Date("2025-10-03T12:00:00Z"),
      receivedAt: new Date("2025-10-03T12:00:01Z"),
      source: { topic: "user.actions", partition: 2, offset: "41" },
    });
    expect(row.endsWith("\n")).toBe(true);
    expect(row.slice(0, -1).split("\t")).toEqual([
      "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11",
      "page.view",
      "2025-10-03T12:00:00.000Z",
      "2025-10-03T12:00:01.000Z",
      "u\\t1",
      "\\N",
      "auth\\tservice",
      // JSON already escapes the newline as \n and the backslash as \\; COPY doubles each backslash.
      '{"path":"/a\\\\\\\\b","note":"line\\\\nbreak"}',
      "user.actions",
      "2",
      "41",
    ]);
  });
});

describe("copyRow's received time", () => {
  const event = (receivedAt: Date) => ({
    eventId: "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11",
    eventType: "page.view",
    userId: null,
    sessionId: null,
    properties: {},
    timestamp: new Date("2025-10-03T12:00:00Z"),
    receivedAt,
    source: null,
  });
  const received = (row: string) => row.split("\t")[3];

  it("follows the Date it is given, even one shared by a batch and then changed", () => {
    const shared = new Date("2025-10-03T12:00:01Z");
    expect(received(copyRow(event(shared)))).toBe("2025-10-03T12:00:01.000Z");
    expect(received(copyRow(event(shared)))).toBe("2025-10-03T12:00:01.000Z");
    shared.setTime(shared.getTime() + 1500);
    expect(received(copyRow(event(shared)))).toBe("2025-10-03T12:00:02.500Z");
    expect(received(copyRow(event(new Date("2025-10-04T00:00:00Z"))))).toBe("2025-10-04T00:00:00.000Z");
  });
});

describe("copyBatch", () => {
  it("writes the events rows copyRow writes, and the event_ids rows, in order", () => {
    const events = [0, 1].map((i) => ({
      eventId: `2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c1${i}`,
      eventType: "page.view",
      userId: i === 0 ? "tab\there" : null,
      sessionId: null,
      properties: { i },
      timestamp: new Date(Date.UTC(2025, 9, 3, 12, 0, i)),
      receivedAt: new Date("2025-10-03T12:00:05Z"),
      source: { topic: "user.actions", partition: 0, offset: String(i) },
    }));
    const text = copyBatch(events);
    expect(text.events).toBe(events.map(copyRow).join(""));
    expect(text.ids).toBe(
      "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c10\t2025-10-03T12:00:00.000Z\n2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11\t2025-10-03T12:00:01.000Z\n",
    );
  });
});
