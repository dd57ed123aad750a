import { renderFuzzReport } from "./fuzz-report";
import { FuzzTally, preview } from "./fuzz-tally";

describe("renderFuzzReport", () => {
  it("tabulates cases, status codes and Kafka outcomes and ends with the RESULT line", () => {
    const tally = new FuzzTally();
    tally.recordHttp("POST /api/v1/events", 202);
    tally.recordHttp("POST /api/v1/events", 400);
    tally.recordHttp("GET /api/v1/events", 500);
    tally.recordKafkaCases("Kafka raw message", 2);
    tally.recordKafkaOutcome("stored");
    tally.recordKafkaOutcome("dead-lettered: invalid_json");
    tally.fail({ channel: "GET /api/v1/events", index: 0, problem: "answered 500", payload: '"GET /"' });
    tally.pipelineLiveAfter = false;
    tally.stalls = 2;

    const report = renderFuzzReport(tally, { seed: 3, runs: 5, durationMs: 1500 });
    const lines = report.trimEnd().split("\n");
    expect(lines).toContain("| `POST /api/v1/events` | 1 | 1 | 0 |");
    expect(lines).toContain("| `GET /api/v1/events` | 0 | 0 | 1 |");
    expect(lines).toContain("| dead-lettered: invalid_json | 1 |");
    expect(lines).toContain('- `GET /api/v1/events` case 0: answered 500; payload "GET /"');
    expect(lines).toContain("Pipeline live afterwards: **no**; stalls: **2**.");
    expect(lines.at(-1)).toBe('RESULT {"fuzz_cases":5,"fuzz_5xx":1,"fuzz_failures":1,"pipeline_live_after":false,"stalls":2,"seed":3}');
  });
});

describe("preview", () => {
  it("shows the start of a payload, printable, with its size when cut", () => {
    expect(preview(Buffer.from("ab\u0000"))).toBe('"ab\\u0000"');
    expect(preview("x".repeat(10), 4)).toBe('"xxxx"… (10 bytes)');
    expect(preview(null)).toBe("(none)");
  });
});
