import { type Config, CustomEventDefinitionsRepository, DeploymentSettingsRepository, eventLimits, EventTypeValidator } from "@trading-analytics/core";
import { EXIT } from "../cli-errors";
import { write } from "../command";
import { type DeadLetter } from "../dead-letters/dead-letter";
import { Republisher, streamDeadLetters } from "../dead-letters/dead-letter-topic";
import { addToSummary, createReplayPlanner, emptyReplaySummary, type ReplayDecision } from "../dead-letters/replay";
import { type Progress, progressBar } from "../progress";
import { createCliKafka, loadCliConfig, withSql } from "../runtime";
import type { DeadLettersCommand } from "./dead-letters.args";
import { countLine, letterJson, letterText, replayJson, replayText } from "./dead-letters.format";

export function executeDeadLetters(command: DeadLettersCommand): Promise<number> {
  return command.kind === "list" ? list(command) : replay(command);
}

/** stdout without a newline: the JSON array is written piece by piece. */
const writeRaw = (text: string) => void process.stdout.write(text);

/** Streams the letters to `onBatch` in bounded batches, with a progress bar. */
async function stream(config: Config, since: Date | undefined, onBatch: (letters: DeadLetter[]) => Promise<void>): Promise<number> {
  const kafka = createCliKafka(config, "dead-letters");
  let bar: Progress | undefined;
  try {
    return await streamDeadLetters(kafka, config.kafka.dead_letter_topic, onBatch, {
      since,
      onProgress: (done, total) => {
        bar ??= progressBar(total, "dead letters |{bar}| {value}/{total}");
        bar.update(done);
      },
    });
  } finally {
    bar?.stop();
  }
}

async function list(command: Extract<DeadLettersCommand, { kind: "list" }>): Promise<number> {
  const config = loadCliConfig();
  const topic = config.kafka.dead_letter_topic;
  const byReason = new Map<string, number>();
  // --json writes one array, element by element, as the letters stream in.
  let first = true;
  if (command.json) writeRaw("[");
  await stream(config, command.since, async (letters) => {
    for (const letter of letters) {
      byReason.set(letter.reason, (byReason.get(letter.reason) ?? 0) + 1);
      if (command.json) {
        writeRaw(`${first ? "" : ","}${JSON.stringify(letterJson(letter))}`);
        first = false;
      } else write(letterText(topic, letter));
    }
  });
  if (command.json) {
    write("]");
    return EXIT.ok;
  }
  write(`${countLine(byReason)} in ${topic}${command.since ? ` since ${command.since.toISOString()}` : ""}.`);
  return EXIT.ok;
}

async function replay(command: Extract<DeadLettersCommand, { kind: "replay" }>): Promise<number> {
  const config = loadCliConfig();
  const { ingestion } = config.analytics;
  // The definitions active now, compiled as the ingester compiles them.
  const [definitions, derivedIdNamespace] = await withSql(config, (sql) =>
    Promise.all([new CustomEventDefinitionsRepository(sql).listActive(), new DeploymentSettingsRepository(sql).derivedEventIdNamespace()]),
  );
  const types = new EventTypeValidator(definitions, ingestion.unknown_event_types);
  const plan = createReplayPlanner(
    new Date(),
    { maxEventBytes: ingestion.max_event_bytes, ...eventLimits(config), derivedIdNamespace },
    types,
    { ingestTopics: new Set(config.kafka.topics), toTopic: command.toTopic },
  );
  const summary = emptyReplaySummary();
  const republisher = command.dryRun ? undefined : new Republisher(createCliKafka(config, "replay"));
  await republisher?.connect();
  try {
    await stream(config, command.since, async (letters) => {
      const decisions = plan(letters);
      const passing = decisions.filter((decision): decision is Extract<ReplayDecision, { kind: "republish" }> => decision.kind === "republish");
      await republisher?.send(
        passing.map((decision) => ({
          topic: decision.topic,
          partition: decision.partition,
          key: decision.key,
          value: decision.value,
          timestamp: decision.letter.timestamp,
        })),
      );
      addToSummary(summary, decisions);
    });
  } finally {
    await republisher?.disconnect();
  }
  write(command.json ? JSON.stringify(replayJson(summary, command.dryRun)) : replayText(summary, command.dryRun, config.kafka.dead_letter_topic));
  return EXIT.ok;
}
