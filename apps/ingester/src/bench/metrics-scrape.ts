// Reads numbers out of a Prometheus text exposition (what the ingester serves on /metrics).

/**
 * Sum of every sample of `name` (all label sets), or undefined when the metric is not
 * exposed at all. A labelled counter nobody incremented yet has only its # TYPE line: 0.
 */
export function sumSamples(text: string, name: string): number | undefined {
  let declared = false;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      if (line.startsWith(`# TYPE ${name} `)) declared = true;
      continue;
    }
    if (!line.startsWith(name)) continue;
    const next = line.charAt(name.length);
    if (next !== "{" && next !== " ") continue; // a longer name sharing the prefix
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) {
      sum += value;
      declared = true;
    }
  }
  return declared ? sum : undefined;
}
