import { type Config, CustomEventDefinitionsRepository, DeploymentSettingsRepository, eventLimits, EventTypeValidator } from "@trading-analytics/core";
import { EXIT } from "../cli-errors";
import { write } from "../command";
import { type DeadLetter } from "../dead-letters/dead-letter";
import { readDeadLetters, republish } from "../dead-letters/dead-letter-topic";
import { planReplay, type ReplayDecision, summarizeReplay } from "../dead-letters/replay";
import { type Progress, progressBar } from "../progress";
import { createCliKafka, loadCliConfig, withSql } from "../runtime";
import type { DeadLettersCommand } from "./dead-letters.args";
import { countLine, letterJson, letterText, replayJson, replayText } from "./dead-letters.format";

export function executeDeadLetters(command: DeadLettersCommand): Promise<number> {
  return command.kind === "list" ? list(command) : replay(command);
}

async function read(config: Config, since: Date | undefined): Promise<DeadLetter[]> {
  const kafka = createCliKafka(config, "dead-letters");
  let bar: Progress | undefined;
  try {
    return await readDeadLetters(kafka, config.kafka.dead_letter_topic, {
      since,
      onProgress: (done, total) => {
        bar ??= progressBar(total, "reading dead letters |{bar}| {value}/{total}");
        bar.update(done);
      },
    });
  } finally {
    bar?.stop();
  }
}

async function list(command: Extract<DeadLettersCommand, { kind: "list" }>): Promise<number> {
  const config = loadCliConfig();
  const letters = await read(config, command.since);
  if (command.json) {
    write(JSON.stringify(letters.map(letterJson)));
    return EXIT.ok;
  }
  const topic = config.kafka.dead_letter_topic;
  for (const letter of letters) write(letterText(topic, letter));
  write(`${countLine(letters)} in ${topic}${command.since ? ` since ${command.since.toISOString()}` : ""}.`);
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
  const letters = await read(config, command.since);
  const decisions = planReplay(letters, new Date(), { maxEventBytes: ingestion.max_event_bytes, ...eventLimits(config), derivedIdNamespace }, types);
  const passing = decisions.filter((decision): decision is Extract<ReplayDecision, { kind: "republish" }> => decision.kind === "republish");

  if (!command.dryRun && passing.length > 0) {
    const kafka = createCliKafka(config, "replay");
    const bar = progressBar(passing.length, "re-publishing |{bar}| {value}/{total}");
    try {
      await republish(
        kafka,
        passing.map((decision) => ({
          topic: decision.topic,
          partition: decision.partition,
          key: decision.key,
          value: decision.value,
          timestamp: decision.letter.timestamp,
        })),
        (sent) => bar.update(sent),
      );
    } finally {
      bar.stop();
    }
  }
  const summary = summarizeReplay(decisions);
  write(command.json ? JSON.stringify(replayJson(summary, command.dryRun)) : replayText(summary, command.dryRun, config.kafka.dead_letter_topic));
  return EXIT.ok;
}
