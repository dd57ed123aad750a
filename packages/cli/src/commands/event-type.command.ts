import { readFile } from "node:fs/promises";
import {
  type CustomEventDefinition,
  CustomEventDefinitionError,
  type CustomEventDefinitionInput,
  CustomEventDefinitionsRepository,
  errorMessage,
  EVENT_TYPE_MAX_LENGTH,
  EVENT_TYPE_PATTERN,
  isKnownEventType,
  publishCustomEventsChanged,
  toCustomEventView,
} from "@trading-analytics/core";
import { CommandFailed, EXIT, UsageError } from "../cli-errors";
import { warn, write } from "../command";
import { createCliLogger, loadCliConfig, withOptionalRedis, withSql } from "../runtime";
import { EVENT_TYPE_USAGE, type EventTypeCommand } from "./event-type.args";
import { definitionsTable } from "./event-type.format";
import { checkSchemaText } from "./event-schema";

export function executeEventType(command: EventTypeCommand): Promise<number> {
  return command.kind === "define" ? define(command) : list(command);
}

async function define(command: Extract<EventTypeCommand, { kind: "define" }>): Promise<number> {
  const problem = nameProblem(command.name);
  if (problem) throw new UsageError(`NAME ${JSON.stringify(command.name)}: ${problem}`, EVENT_TYPE_USAGE.define);
  let text: string;
  try {
    text = await readFile(command.schemaFile, "utf8");
  } catch (error) {
    throw new CommandFailed(`cannot read the schema file: ${errorMessage(error)}`);
  }
  const checked = checkSchemaText(text, command.schemaFile);
  if (!checked.ok) throw new CommandFailed(checked.error);

  const config = loadCliConfig();
  const stored = await withSql(config, (sql) => store(new CustomEventDefinitionsRepository(sql), command, checked.schema)).catch(refusedSchema);
  const logger = createCliLogger();
  const announced = await withOptionalRedis(config, logger, async (redis) => (redis ? publishCustomEventsChanged(redis, config.redis.key_prefix) : false));

  if (command.json) {
    write(JSON.stringify({ ...toCustomEventView(stored), announced }));
  } else {
    write(`Defined ${stored.name} version ${stored.version} (active).${announced ? " Running ingesters were told over Redis." : ""}`);
  }
  if (!announced) {
    warn(`analytics event-type: Redis not reachable; ingesters pick the change up within analytics.ingestion.schema_refresh_interval (${config.analytics.ingestion.schema_refresh_interval} ms)`);
  }
  return EXIT.ok;
}

/** Version 1 of a new name, else the next version; a missing display name or description keeps the current one. */
async function store(
  definitions: CustomEventDefinitionsRepository,
  command: Extract<EventTypeCommand, { kind: "define" }>,
  schema: Record<string, unknown>,
): Promise<CustomEventDefinition> {
  const current = await definitions.get(command.name);
  const input: CustomEventDefinitionInput = {
    schema,
    displayName: command.displayName ?? current?.displayName ?? null,
    description: command.description ?? current?.description ?? null,
    isActive: true,
  };
  if (current) return definitions.update(command.name, input);
  try {
    return await definitions.create(command.name, input);
  } catch (error) {
    // Defined by someone else since get(): ours becomes the next version.
    if (error instanceof CustomEventDefinitionError && error.reason === "already_exists") return definitions.update(command.name, input);
    throw error;
  }
}

/** A schema the repository refuses ($id taken by another type) is the user's to fix, not a crash. */
function refusedSchema(error: unknown): never {
  if (error instanceof CustomEventDefinitionError && error.reason === "schema_id_taken") throw new CommandFailed(`schema: ${error.message}`);
  throw error;
}

async function list(command: Extract<EventTypeCommand, { kind: "list" }>): Promise<number> {
  const config = loadCliConfig();
  const definitions = await withSql(config, (sql) => {
    const repository = new CustomEventDefinitionsRepository(sql);
    return command.name === undefined ? repository.list() : repository.versions(command.name);
  });
  if (command.json) {
    write(JSON.stringify(definitions.map(toCustomEventView)));
    return EXIT.ok;
  }
  if (definitions.length === 0) {
    if (command.name !== undefined) throw new CommandFailed(`custom event type ${command.name} is not defined`);
    write("No custom event types. Define one with: analytics event-type define NAME --schema FILE");
    return EXIT.ok;
  }
  write(definitionsTable(definitions, command.name !== undefined));
  return EXIT.ok;
}

/** The query-api's rules for a custom type's name. */
function nameProblem(name: string): string | undefined {
  if (name.length > EVENT_TYPE_MAX_LENGTH) return `must be at most ${EVENT_TYPE_MAX_LENGTH} characters`;
  if (!EVENT_TYPE_PATTERN.test(name)) return "must be a dotted lower-case name like custom.trading.signal";
  if (isKnownEventType(name)) return "is a built-in event type and cannot be redefined";
  return undefined;
}
