import { type ExportedMetric, seriesNames } from "./exported-metrics";
import { selectorsIn } from "./promql-selectors";

/** Series name -> the labels its samples carry. */
export type SeriesCatalog = ReadonlyMap<string, ReadonlySet<string>>;

// Added by Prometheus to every scraped sample; app is each registry's default label.
const SCRAPE_LABELS = ["job", "instance"];
const REGISTRY_LABELS = ["app"];

/** What Prometheus stores for these metrics, plus the up series it writes for every target. */
export function seriesCatalog(metrics: Iterable<ExportedMetric>): SeriesCatalog {
  const catalog = new Map<string, Set<string>>([["up", new Set(SCRAPE_LABELS)]]);
  for (const metric of metrics) {
    for (const series of seriesNames(metric)) {
      const extra = series.endsWith("_bucket") && metric.type === "histogram" ? ["le"] : series === metric.name && metric.type === "summary" ? ["quantile"] : [];
      catalog.set(series, new Set([...metric.labels, ...extra, ...SCRAPE_LABELS, ...REGISTRY_LABELS]));
    }
  }
  return catalog;
}

/** What an expression asks for that no app exports: unknown metrics, or labels a metric does not have. */
export function referenceProblems(expression: string, catalog: SeriesCatalog): string[] {
  const problems: string[] = [];
  for (const { metric, labels } of selectorsIn(expression)) {
    const known = catalog.get(metric);
    if (!known) {
      problems.push(`no app exports ${metric}`);
      continue;
    }
    for (const label of labels) {
      if (!known.has(label)) problems.push(`${metric} has no label ${label} (it has ${[...known].join(", ")})`);
    }
  }
  return problems;
}
