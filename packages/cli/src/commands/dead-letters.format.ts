import { type DeadLetter, previewValue, sourceText } from "../dead-letters/dead-letter";
import type { ReplaySummary } from "../dead-letters/replay";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function letterText(topic: string, letter: DeadLetter): string {
  return [
    `${topic} ${letter.partition}@${letter.offset}  ${new Date(Number(letter.timestamp)).toISOString()}  ${letter.reason}`,
    `  message: ${letter.message || "-"}`,
    `  source:  ${sourceText(letter.source)}${letter.key ? `  key ${previewValue(letter.key, 60)}` : ""}`,
    `  value:   ${previewValue(letter.value)}`,
  ].join("\n");
}

export function letterJson(letter: DeadLetter) {
  return {
    partition: letter.partition,
    offset: letter.offset,
    dead_lettered_at: new Date(Number(letter.timestamp)).toISOString(),
    reason: letter.reason,
    message: letter.message,
    source: letter.source ?? null,
    key: letter.key?.toString("utf8") ?? null,
    ...bytesJson(letter.value),
  };
}

function bytesJson(value: Buffer | null): { value: string | null } | { value_base64: string } {
  if (value === null) return { value: null };
  try {
    return { value: utf8.decode(value) };
  } catch {
    return { value_base64: value.toString("base64") };
  }
}

/** "3 dead letters (schema_violation 2, invalid_json 1)". */
export function countLine(byReason: ReadonlyMap<string, number>): string {
  const total = [...byReason.values()].reduce((sum, n) => sum + n, 0);
  const reasons = [...byReason].sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${reason} ${count}`);
  return `${total} dead letter${total === 1 ? "" : "s"}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}`;
}

export function replayText(summary: ReplaySummary, dryRun: boolean, topic: string): string {
  const lines = [`Read ${summary.read} dead letter${summary.read === 1 ? "" : "s"} from ${topic}.`];
  const topics = Object.entries(summary.byTopic).map(([name, count]) => `${name} ${count}`);
  const verb = dryRun ? "Would re-publish" : "Re-published";
  lines.push(`${verb} ${summary.republish} that pass now${topics.length > 0 ? ` (${topics.join(", ")})` : ""}.`);
  if (summary.repeats > 0) lines.push(`Skipped ${summary.repeats} repeat${summary.repeats === 1 ? "" : "s"} of a source position already replayed.`);
  const refused = Object.entries(summary.refused).sort((a, b) => b[1] - a[1]);
  if (refused.length > 0) {
    const count = refused.reduce((sum, [, n]) => sum + n, 0);
    // Topic names come from headers anyone can write: quoted, so no control character reaches the terminal.
    const named = refused.map(([name, n]) => `${JSON.stringify(name)} ${n}`).join(", ");
    lines.push(`Refused ${count} whose source_topic is not an ingest topic (kafka.topics): ${named}. Nothing was sent there; use --to-topic TOPIC to re-publish them to a topic you choose.`);
  }
  const failing = Object.entries(summary.stillFailing).sort((a, b) => b[1].count - a[1].count);
  const stillFailing = failing.reduce((sum, [, entry]) => sum + entry.count, 0);
  lines.push(`Still failing: ${stillFailing}.`);
  for (const [reason, entry] of failing) lines.push(`  ${reason} ${entry.count}  e.g. ${entry.example}`);
  if (dryRun) lines.push("Dry run: nothing was re-published.");
  return lines.join("\n");
}

export function replayJson(summary: ReplaySummary, dryRun: boolean) {
  return {
    dry_run: dryRun,
    read: summary.read,
    republished: dryRun ? 0 : summary.republish,
    would_republish: summary.republish,
    repeats: summary.repeats,
    republished_by_topic: summary.byTopic,
    refused_by_source_topic: { ...summary.refused },
    still_failing: Object.fromEntries(Object.entries(summary.stillFailing).map(([reason, entry]) => [reason, { count: entry.count, example: entry.example }])),
  };
}
