import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface GrafanaTarget {
  refId: string;
  expr?: string;
  /** A PostgreSQL target's statement. */
  rawSql?: string;
  datasource?: { type?: string; uid?: string };
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: GrafanaTarget[];
  /** A collapsed row holds its panels. */
  panels?: GrafanaPanel[];
}

export interface GrafanaDashboard {
  file: string;
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating?: { list?: { name: string; type: string; query?: string | { query?: string } }[] };
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

/** Every dashboard JSON file in dir, as Grafana's file provider would load them. */
export function loadDashboards(dir: string): GrafanaDashboard[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Omit<GrafanaDashboard, "file">), file }));
}

/** Panels at any depth (rows collapsed or not). */
export function allPanels(dashboard: Pick<GrafanaDashboard, "panels">): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...allPanels({ panels: panel.panels ?? [] })]);
}

/**
 * Every PromQL expression the dashboard sends: panel targets, and template variables'
 * label_values(metric, label) queries (as a plain selector of that metric).
 */
export function dashboardQueries(dashboard: GrafanaDashboard): DashboardQuery[] {
  const panels = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).filter((target) => target.expr).map((target) => ({ dashboard: dashboard.file, panel: panel.title, expr: target.expr! })),
  );
  const variables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === "query")
    .map((variable) => ({ dashboard: dashboard.file, panel: `variable ${variable.name}`, expr: variableSelector(variable.query) }));
  return [...panels, ...variables];
}

const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/;

function variableSelector(query: string | { query?: string } | undefined): string {
  const text = typeof query === "string" ? query : (query?.query ?? "");
  const match = LABEL_VALUES.exec(text);
  if (!match) throw new Error(`template variable query not understood (use label_values(metric, label)): ${text}`);
  return match[1]!;
}
