import { readdirSync, readFileSync } from "node:fs";
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
type Datasources = { datasources: { uid: string; type: string; url: string; user?: string; jsonData?: { database?: string } }[] };
const datasources = yamlFile<Datasources>(GRAFANA_DIR, "provisioning/datasources/prometheus.yml");
const postgres = yamlFile<Datasources>(GRAFANA_DIR, "provisioning/datasources/postgres.yml").datasources[0]!;
/** The dashboard that reads PostgreSQL: the trading figures' SQL functions (docs/trading.md). */
const SQL_DASHBOARD = "trading-analytics.json";
/** Each trading figure's SQL function, and whether it takes a range [p_from, p_to) or one time. */
const TRADING_FUNCTIONS: Record<string, "range" | "at"> = {
  trading_order_figures: "range",
  trading_execution_figures: "range",
  trading_realized_pnl: "range",
  trading_open_positions: "at",
  trading_exposure: "at",
  market_data_health: "range",
  market_data_gaps: "range",
  session_figures: "range",
};
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
  it("are the six the team looks at, each with its own uid", () => {
    expect(dashboards.map((dashboard) => dashboard.uid).sort()).toEqual(
      ["analytics-api", "analytics-ingestion", "analytics-lag", "analytics-rollups", "analytics-trading", "analytics-trading-figures"].sort(),
    );
  });

  it.each(queries.map((query) => [`${query.dashboard} "${query.panel}": ${query.expr}`, query] as const))(
    "%s uses only metrics and labels the apps export",
    (_name, query) => {
      expect(referenceProblems(query.expr, catalog)).toEqual([]);
    },
  );

  it.each(dashboards.map((dashboard) => [dashboard.file, dashboard] as const))(
    "%s queries its provisioned datasource and lays its panels out without overlap",
    (_name, dashboard) => {
      const uid = dashboard.file === SQL_DASHBOARD ? postgres.uid : datasources.datasources[0]!.uid;
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

  describe(SQL_DASHBOARD, () => {
    const dashboard = dashboards.find((candidate) => candidate.file === SQL_DASHBOARD)!;
    const statements = allPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, sql: target.rawSql ?? "" })));
    const called = (sql: string) => [...sql.matchAll(/\b([a-z_]+)\s*\(/g)].map((match) => match[1]!).filter((name) => name in TRADING_FUNCTIONS);

    it("reads the compose database through the read-only role the database creates on first start", () => {
      expect(postgres).toMatchObject({ uid: "postgres", type: "grafana-postgresql-datasource", url: "postgres:5432", user: "grafana_reader", jsonData: { database: "analytics" } });
      const compose = yamlFile<{ services: Record<string, { volumes?: string[]; environment?: Record<string, string>; depends_on?: string[] }> }>(REPO_ROOT, "docker-compose.yml");
      expect(compose.services.postgres?.volumes).toContain("./infra/postgres/grafana-reader.sh:/docker-entrypoint-initdb.d/10-grafana-reader.sh:ro");
      expect(compose.services.grafana?.environment?.GRAFANA_DB_PASSWORD).toBe(compose.services.postgres?.environment?.GRAFANA_DB_PASSWORD);
      expect(compose.services.grafana?.depends_on).toContain("postgres");
      const script = readFileSync(path.join(REPO_ROOT, "infra/postgres/grafana-reader.sh"), "utf8");
      expect(script).toContain("create role grafana_reader login");
      expect(script).toContain("default_transaction_read_only = on");
      expect(script).not.toMatch(/grant (insert|update|delete|all)/i);
    });

    it("calls every trading figure's SQL function, each over the dashboard's time range", () => {
      expect(statements.length).toBeGreaterThan(0);
      for (const { panel, sql } of statements) {
        const functions = called(sql);
        expect({ panel, calls: functions.length > 0 }).toEqual({ panel, calls: true });
        for (const fn of functions) {
          // A range function reads the dashboard's [from, to) (the PnL series, buckets of it); the others the time at its end.
          const timed = TRADING_FUNCTIONS[fn] === "range" ? sql.includes("$__timeFrom()") && sql.includes("$__timeTo()") : sql.includes(`${fn}($__timeTo())`);
          expect({ panel, fn, timed }).toEqual({ panel, fn, timed: true });
        }
      }
      expect(new Set(statements.flatMap(({ sql }) => called(sql)))).toEqual(new Set(Object.keys(TRADING_FUNCTIONS)));
    });

    it("calls only functions some migration creates", () => {
      const migrations = readdirSync(path.join(REPO_ROOT, "migrations"))
        .filter((name) => name.endsWith(".sql"))
        .map((name) => readFileSync(path.join(REPO_ROOT, "migrations", name), "utf8"))
        .join("\n");
      const missing = Object.keys(TRADING_FUNCTIONS).filter((fn) => !new RegExp(`CREATE (OR REPLACE )?FUNCTION ${fn}\\(`, "i").test(migrations));
      expect(missing).toEqual([]);
    });
  });
});
