import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { exportedMetrics } from "./exported-metrics";
import { allPanels, dashboardQueries, type GrafanaPanel, loadDashboards } from "./grafana-dashboards";
import { referenceProblems, seriesCatalog } from "./metric-references";
import { GRAFANA_DIR, REPO_ROOT } from "./repo-paths";

const dashboards = loadDashboards(path.join(GRAFANA_DIR, "dashboards"));
const queries = dashboards.flatMap(dashboardQueries);
const catalog = seriesCatalog(exportedMetrics().values());

const yamlFile = <T>(...parts: string[]): T => parse(readFileSync(path.join(...parts), "utf8")) as T;
const datasources = yamlFile<{ datasources: { uid: string; type: string; url: string }[] }>(GRAFANA_DIR, "provisioning/datasources/prometheus.yml");
const providers = yamlFile<{ providers: { options: { path: string } }[] }>(GRAFANA_DIR, "provisioning/dashboards/trading-analytics.yml");

/** Pairs of panels sharing a grid cell, or a panel past the 24 columns. */
function overlaps(panels: GrafanaPanel[]): string[] {
  const taken = new Map<string, string>();
  const found = new Set<string>();
  for (const { title, gridPos } of panels) {
    if (gridPos.x + gridPos.w > 24) found.add(`${title} is wider than the grid`);
    for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
      for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
        const other = taken.get(`${x},${y}`);
        if (other) found.add(`${title} overlaps ${other}`);
        taken.set(`${x},${y}`, title);
      }
    }
  }
  return [...found];
}

describe("Grafana dashboards", () => {
  it("are the five the team looks at, each with its own uid", () => {
    expect(dashboards.map((dashboard) => dashboard.uid).sort()).toEqual(
      ["analytics-api", "analytics-ingestion", "analytics-lag", "analytics-rollups", "analytics-trading"].sort(),
    );
  });

  it.each(queries.map((query) => [`${query.dashboard} "${query.panel}": ${query.expr}`, query] as const))(
    "%s uses only metrics and labels the apps export",
    (_name, query) => {
      expect(referenceProblems(query.expr, catalog)).toEqual([]);
    },
  );

  it.each(dashboards.map((dashboard) => [dashboard.file, dashboard] as const))(
    "%s queries the provisioned Prometheus and lays its panels out without overlap",
    (_name, dashboard) => {
      const uid = datasources.datasources[0]!.uid;
      const panels = allPanels(dashboard);
      const elsewhere = panels
        .filter((panel) => panel.targets?.length)
        .filter((panel) => panel.datasource?.uid !== uid || panel.targets!.some((target) => (target.datasource?.uid ?? uid) !== uid))
        .map((panel) => panel.title);
      expect(elsewhere).toEqual([]);
      expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
      expect(overlaps(panels)).toEqual([]);
    },
  );

  it("are mounted by docker-compose where the provisioning looks for them", () => {
    const compose = yamlFile<{ services: Record<string, { volumes?: string[]; environment?: Record<string, string> }> }>(REPO_ROOT, "docker-compose.yml");
    const mounts = (compose.services.grafana?.volumes ?? []).map((volume) => volume.split(":").slice(0, 2));
    expect(mounts).toEqual(
      expect.arrayContaining([
        ["./infra/grafana/provisioning", "/etc/grafana/provisioning"],
        ["./infra/grafana/dashboards", providers.providers[0]!.options.path],
      ]),
    );
    expect(compose.services.prometheus?.volumes).toEqual(["./infra/prometheus:/etc/prometheus:ro"]);
    expect(datasources.datasources[0]!.url).toBe("http://prometheus:9090");
  });
});
