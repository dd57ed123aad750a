import { exportFileName } from "./event-export-format";

describe("exportFileName", () => {
  it("names the range without characters some file systems refuse", () => {
    expect(exportFileName(new Date("2025-10-03T00:00:00Z"), new Date("2025-10-04T12:30:15.250Z"), "csv")).toBe(
      "events-20251003T000000Z-20251004T123015Z.csv",
    );
  });
});
