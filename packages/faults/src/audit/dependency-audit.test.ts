import { describeVerdict, readAuditOutput } from "./dependency-audit";

const report = (vulnerabilities: Record<string, number>, advisories: Record<string, unknown> = {}) =>
  JSON.stringify({ actions: [], advisories, muted: [], metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...vulnerabilities }, totalDependencies: 412 } });

describe("readAuditOutput", () => {
  it("is clean when nothing reaches high, whatever lies below", () => {
    const verdict = readAuditOutput(report({ low: 2, moderate: 1 }, { 1: { module_name: "debug", severity: "moderate", title: "ReDoS", url: "u", vulnerable_versions: "<4" } }));
    expect(verdict).toEqual({ kind: "clean", counts: { info: 0, low: 2, moderate: 1, high: 0, critical: 0 }, dependencies: 412 });
    expect(describeVerdict(verdict)).toContain("no high or critical advisory in 412 dependencies");
  });

  it("fails on a high or critical advisory and names it", () => {
    const verdict = readAuditOutput(
      report({ high: 1, critical: 1 }, {
        7: { module_name: "path-to-regexp", severity: "high", title: "backtracking", url: "https://github.com/advisories/GHSA-x", vulnerable_versions: "<0.1.10" },
        9: { module_name: "lodash", severity: "critical", title: "prototype pollution", url: "https://github.com/advisories/GHSA-y", vulnerable_versions: "<4.17.12" },
        3: { module_name: "ms", severity: "low", title: "minor", url: "u", vulnerable_versions: "<2" },
      }),
    );
    expect(verdict.kind).toBe("findings");
    expect(verdict.kind === "findings" && verdict.blocking.map((a) => a.module).sort()).toEqual(["lodash", "path-to-regexp"]);
    expect(describeVerdict(verdict)).toMatch(/FAILED: 2 high or critical[\s\S]*high path-to-regexp <0\.1\.10: backtracking/);
  });

  it("fails on a high count even when the advisory list is missing", () => {
    expect(readAuditOutput(report({ critical: 1 })).kind).toBe("findings");
  });

  it("treats an advisory of unknown severity as blocking", () => {
    const verdict = readAuditOutput(report({}, { 1: { module_name: "x", severity: "severe", title: "t", url: "u", vulnerable_versions: "*" } }));
    expect(verdict.kind).toBe("findings");
  });

  it("tells an unreachable audit service apart from a clean audit", () => {
    const stdout = JSON.stringify({ error: { code: "ERR_PNPM_AUDIT_BAD_RESPONSE", message: "The audit endpoint (at https://registry.npmjs.org/-/npm/v1/security/audits/quick) responded with 405: ." } });
    const verdict = readAuditOutput(stdout);
    expect(verdict).toEqual({ kind: "unavailable", reason: expect.stringContaining("ERR_PNPM_AUDIT_BAD_RESPONSE: The audit endpoint") });
    expect(describeVerdict(verdict)).toMatch(/^dependency audit NOT RUN/);
  });

  it("calls output that is not a report unavailable, never clean", () => {
    expect(readAuditOutput("").kind).toBe("unavailable");
    expect(readAuditOutput("ERR_PNPM_FETCH something\n").kind).toBe("unavailable");
    expect(readAuditOutput("[1,2]").kind).toBe("unavailable");
    expect(readAuditOutput(JSON.stringify({ advisories: {} })).kind).toBe("unavailable");
  });
});
