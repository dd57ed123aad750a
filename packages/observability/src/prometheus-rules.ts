import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

export interface PrometheusRule {
  file: string;
  group: string;
  /** The alert's name, or the recorded series' name. */
  name: string;
  kind: "alert" | "record";
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RuleFile {
  groups?: { name: string; rules?: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

/** Every rule of every *.rules.yml file in dir (what prometheus.yml's rule_files loads). */
export function loadRules(dir: string): PrometheusRule[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".rules.yml"))
    .sort()
    .flatMap((file) => {
      const content = parse(readFileSync(path.join(dir, file), "utf8")) as RuleFile;
      return (content.groups ?? []).flatMap((group) =>
        (group.rules ?? []).map(
          (rule): PrometheusRule => ({
            file,
            group: group.name,
            name: rule.alert ?? rule.record ?? "",
            kind: rule.alert !== undefined ? "alert" : "record",
            expr: String(rule.expr),
            ...(rule.for !== undefined && { for: rule.for }),
            labels: rule.labels ?? {},
            annotations: rule.annotations ?? {},
          }),
        ),
      );
    });
}
