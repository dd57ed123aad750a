// Reads numbers out of a Prometheus text exposition (what every app serves on /metrics), for the
// benchmarks and the soak that watch the apps from outside.

/** One sample line: `name{label="value",...} value [timestamp]`. */
export interface PrometheusSample {
  name: string;
  /** The label block as written, braces included ("" when there is none). */
  labels: string;
  value: number;
}

/** The sample on one line, or undefined for a comment, a blank line or a line it cannot read. */
export function parseSampleLine(line: string): PrometheusSample | undefined {
  if (line === "" || line.startsWith("#")) return undefined;
  let at = 0;
  while (at < line.length && line[at] !== "{" && line[at] !== " " && line[at] !== "\t") at += 1;
  const name = line.slice(0, at);
  let labels = "";
  if (line[at] === "{") {
    const end = labelBlockEnd(line, at);
    if (end === undefined) return undefined;
    labels = line.slice(at, end + 1);
    at = end + 1;
  }
  // The value, then an optional timestamp.
  const value = sampleValue(line.slice(at).trim().split(/\s+/)[0] ?? "");
  return name === "" || value === undefined ? undefined : { name, labels, value };
}

/** A sample value: a Go float, or +Inf, -Inf, NaN as the format spells them. */
function sampleValue(token: string): number | undefined {
  if (token === "+Inf") return Number.POSITIVE_INFINITY;
  if (token === "-Inf") return Number.NEGATIVE_INFINITY;
  if (token === "NaN") return Number.NaN;
  const value = token === "" ? Number.NaN : Number(token);
  return Number.isNaN(value) ? undefined : value;
}

/** Index of the `}` closing the label block opened at `open`: quoted values may hold `}`, spaces and `\"`. */
function labelBlockEnd(line: string, open: number): number | undefined {
  let quoted = false;
  for (let i = open + 1; i < line.length; i += 1) {
    const c = line[i];
    if (quoted && c === "\\") i += 1;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === "}") return i;
  }
  return undefined;
}

/**
 * Sum of every sample of `name` (all label sets), or undefined when the metric is not exposed
 * at all. A labelled counter nobody incremented yet has only its # TYPE line: 0.
 */
export function sumSamples(text: string, name: string): number | undefined {
  let declared = false;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      if (line.startsWith(`# TYPE ${name} `)) declared = true;
      continue;
    }
    if (!line.startsWith(name)) continue; // cheap skip before parsing
    const sample = parseSampleLine(line);
    if (sample?.name !== name || !Number.isFinite(sample.value)) continue;
    sum += sample.value;
    declared = true;
  }
  return declared ? sum : undefined;
}
