import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

/** A series selector in a PromQL expression: `metric{label="x"}` names metric and label. */
export interface Selector {
  metric: string;
  /** Labels its matchers name (not the labels of by/without clauses). */
  labels: string[];
}

export class PromqlSyntaxError extends Error {}

// Grafana's own interval variables, which Grafana replaces before Prometheus sees the query.
const GRAFANA_INTERVALS = /\$(?:\{(?:__rate_interval|__interval|__range)\}|(?:__rate_interval|__interval|__range)\b)/g;

/**
 * Every series selector in a PromQL expression, parsed with Prometheus' own grammar (the one
 * its web UI uses). Throws PromqlSyntaxError where the expression does not parse.
 */
export function selectorsIn(expression: string): Selector[] {
  const expr = expression.replace(GRAFANA_INTERVALS, "5m");
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const errors: number[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) errors.push(ref.from);
      if (ref.name === "VectorSelector") selectors.push(selectorOf(ref.node, expr));
    },
  });
  if (errors.length > 0) {
    const at = errors[0]!;
    throw new PromqlSyntaxError(`PromQL does not parse at offset ${at} ("${expr.slice(Math.max(0, at - 20), at + 20)}"): ${expression}`);
  }
  return selectors;
}

function selectorOf(node: SyntaxNode, expr: string): Selector {
  const name = node.getChild("Identifier");
  if (!name) throw new PromqlSyntaxError(`a selector without a plain metric name: ${expr.slice(node.from, node.to)}`);
  const labels: string[] = [];
  node.getChild("LabelMatchers")?.cursor().iterate((ref) => {
    if (ref.name === "LabelName") labels.push(expr.slice(ref.from, ref.to));
  });
  return { metric: expr.slice(name.from, name.to), labels };
}
