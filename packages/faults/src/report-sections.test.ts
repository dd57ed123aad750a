import { combineTotals, fuzzSummary, lastResult, replaceSection, sectionOf } from "./report-sections";

const DOC = ["# Title", "", "<!-- begin:faults -->", "old faults", "<!-- end:faults -->", "", "## Finding (by hand)", "", "<!-- begin:totals -->", "t", "<!-- end:totals -->", ""].join("\n");

describe("replaceSection", () => {
  it("replaces only the text between the section's markers", () => {
    const updated = replaceSection(DOC, "faults", "new faults\n");
    expect(sectionOf(updated, "faults")).toBe("new faults");
    expect(updated.replace("new faults", "old faults")).toBe(DOC);
  });

  it("inserts a missing section before the one named, keeping hand-written text", () => {
    const updated = replaceSection(DOC, "soak", "soak body", "totals");
    expect(updated.indexOf("## Finding")).toBeLessThan(updated.indexOf("soak body"));
    expect(updated.indexOf("soak body")).toBeLessThan(updated.indexOf("<!-- begin:totals -->"));
    expect(sectionOf(updated, "soak")).toBe("soak body");
  });

  it("appends a missing section when there is nothing to put it before", () => {
    expect(replaceSection("# T\n", "soak", "x")).toBe("# T\n\n<!-- begin:soak -->\nx\n<!-- end:soak -->\n");
  });
});

describe("lastResult", () => {
  it("reads the JSON of the last RESULT line, ignoring other lines", () => {
    expect(lastResult('RESULT {"a":1}\nnoise\n```\nRESULT {"a":2}\n```')).toEqual({ a: 2 });
    expect(lastResult("no result here")).toBeUndefined();
    expect(lastResult("RESULT {broken")).toBeUndefined();
  });
});

describe("combineTotals", () => {
  it("takes each figure from the program that measures it, null where one has not run", () => {
    const totals = combineTotals({ produced: 10, stored: 10, lost: 0, duplicated: 0, rollup_mismatches: 0, at: "t1" }, { fuzz_cases: 10000, fuzz_5xx: 0 }, undefined);
    expect(totals).toEqual({
      produced: 10,
      stored: 10,
      lost: 0,
      duplicated: 0,
      rollup_mismatches: 0,
      fuzz_cases: 10000,
      fuzz_5xx: 0,
      soak_passed: null,
      soak_minutes: null,
      faults_at: "t1",
      fuzz_at: null,
      soak_at: null,
    });
  });
});

describe("fuzzSummary", () => {
  it("keeps the fuzz report's headline, its 5xx line and its RESULT", () => {
    const fuzz = ["# Hostile input (fuzz)", "", "Seed 1, 10 cases in 1 s.", "", "## Cases", "5xx answers: **0**. Events accepted", "", 'RESULT {"fuzz_cases":10,"fuzz_5xx":0}', ""].join("\n");
    const summary = fuzzSummary(fuzz);
    expect(summary).toContain("Seed 1, 10 cases in 1 s.");
    expect(summary).toContain("5xx answers: **0**");
    expect(lastResult(summary)).toEqual({ fuzz_cases: 10, fuzz_5xx: 0 });
    expect(fuzzSummary(undefined)).toContain("has not written");
  });
});
