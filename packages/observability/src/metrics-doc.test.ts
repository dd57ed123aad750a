import { readFileSync } from "node:fs";
import path from "node:path";
import { exportedMetrics } from "./exported-metrics";
import { REPO_ROOT } from "./repo-paths";

// A metric's row: | `name` | type | `label`, `label` | meaning |
const ROW = /^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|\s*([a-z]+)\s*\|([^|]*)\|/;

function documentedMetrics(markdown: string): Map<string, { type: string; labels: string[] }> {
  const rows = new Map<string, { type: string; labels: string[] }>();
  for (const line of markdown.split("\n")) {
    const match = ROW.exec(line);
    if (!match) continue;
    const labels = [...match[3]!.matchAll(/`([a-z_][a-z0-9_]*)`/g)].map((label) => label[1]!);
    rows.set(match[1]!, { type: match[2]!, labels: labels.sort() });
  }
  return rows;
}

describe("docs/metrics.md", () => {
  const documented = documentedMetrics(readFileSync(path.join(REPO_ROOT, "docs/metrics.md"), "utf8"));
  const exported = exportedMetrics();

  it("lists every metric the apps export, with its type and labels", () => {
    const expected = [...exported.values()].map((metric) => ({ name: metric.name, type: metric.type, labels: [...metric.labels].sort() }));
    const listed = [...exported.keys()].map((name) => ({ name, ...documented.get(name) }));
    expect(listed).toEqual(expected);
  });

  it("lists no metric that no app exports", () => {
    expect([...documented.keys()].filter((name) => !exported.has(name))).toEqual([]);
  });
});
