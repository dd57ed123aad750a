import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { type CustomEventDefinition, isKnownEventType, KNOWN_EVENT_TYPES } from "@trading-analytics/core";
import { KNOWN_EVENT_SCHEMAS } from "./known-event.schemas";
import type { Rejection } from "./reject-reason";

export type UnknownTypePolicy = "accept" | "dead_letter";

export interface DefinitionProblem {
  name: string;
  error: string;
}

function newAjv(): Ajv {
  // User schemas may carry annotations ajv does not know; strict mode would refuse them.
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

const knownValidators = (() => {
  const ajv = newAjv();
  return new Map(KNOWN_EVENT_TYPES.map((type) => [type, ajv.compile(KNOWN_EVENT_SCHEMAS[type])]));
})();

/**
 * Checks an event's properties against its type: the built-in schema of a known type, or
 * the active definition of a custom type (compiled once per definition version). Immutable:
 * a definition change builds a new validator, swapped in atomically by the caller.
 */
export class EventTypeValidator {
  private readonly custom = new Map<string, ValidateFunction>();
  /** Types whose active definition is broken: their events cannot be checked, so never pass. */
  private readonly unusable = new Map<string, string>();
  readonly problems: DefinitionProblem[] = [];

  constructor(
    definitions: readonly CustomEventDefinition[],
    private readonly unknownTypes: UnknownTypePolicy,
  ) {
    const ajv = newAjv();
    for (const definition of definitions) {
      if (isKnownEventType(definition.name)) {
        this.problems.push({ name: definition.name, error: "shadows a built-in event type; ignored" });
        continue;
      }
      try {
        this.custom.set(definition.name, ajv.compile(definition.schema));
      } catch (error) {
        this.problems.push({ name: definition.name, error: (error as Error).message });
        this.unusable.set(definition.name, `${definition.name}: active definition v${definition.version} cannot be compiled (${(error as Error).message})`);
      }
    }
  }

  get customTypes(): string[] {
    return [...this.custom.keys()];
  }

  /** undefined when the properties are acceptable for the type, else why not. */
  check(eventType: string, properties: Record<string, unknown>): Rejection | undefined {
    const validate = isKnownEventType(eventType) ? knownValidators.get(eventType) : this.custom.get(eventType);
    const broken = this.unusable.get(eventType);
    if (broken) return { reason: "schema_violation", detail: broken };
    if (!validate) {
      return this.unknownTypes === "dead_letter"
        ? { reason: "unknown_event_type", detail: `${eventType} is neither a built-in type nor an active custom definition` }
        : undefined;
    }
    if (validate(properties)) return undefined;
    const first = validate.errors?.[0];
    const where = first?.instancePath ? `properties${first.instancePath.replace(/\//g, ".")}` : "properties";
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    return {
      reason: "schema_violation",
      detail: missing ? `${eventType}: ${where}.${missing} is required` : `${eventType}: ${where} ${first?.message ?? "is invalid"}`,
    };
  }
}
