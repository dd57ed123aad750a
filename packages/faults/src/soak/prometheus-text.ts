/**
 * Sum of every sample of `name` (all label sets) in a Prometheus text exposition, or undefined
 * when the metric is not there at all.
 */
export function sumSamples(text: string, name: string): number | undefined {
  let found = false;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const next = line.charAt(name.length);
    if (next !== "{" && next !== " ") continue; // a longer name sharing the prefix
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) {
      sum += value;
      found = true;
    }
  }
  return found ? sum : undefined;
}
