import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const PROMETHEUS_DIR = path.join(REPO_ROOT, "infra/prometheus");
export const GRAFANA_DIR = path.join(REPO_ROOT, "infra/grafana");
