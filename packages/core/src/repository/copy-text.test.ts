import { copyRow, copyValue } from "./copy-text";

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
      // JSON already escapes the newline as \n and the backslash as \\; COPY doubles each backslash.
      '{"path":"/a\\\\\\\\b","note":"line\\\\nbreak"}',
      "user.actions",
      "2",
      "41",
    ]);
  });
});
