import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { type CustomEventDefinition, isKnownEventType, KNOWN_EVENT_TYPES } from "../models";
import { KNOWN_EVENT_SCHEMAS } from "./known-event.schemas";
import type { Rejection } from "./reject-reason";

export type UnknownTypePolicy = "accept" | "dead_letter";

export interface DefinitionProblem {
  name: string;
  error: string;
}

/** One bad field of an event, named by its dotted path ("properties.price"). */
export interface FieldViolation {
  field: string;
  message: string;
}

export interface EventTypeValidatorOptions {
  /**
   * Report every violation (the HTTP API names every bad field) instead of stopping at the
   * first (the ingester only needs a dead-letter reason, and stopping early is cheaper).
   */
  allErrors?: boolean;
}

/** The ajv settings every event-type schema is compiled with, here and in the custom-events API. */
export function newSchemaCompiler(allErrors = false): Ajv {
  // User schemas may carry annotations ajv does not know; strict mode would refuse them.
  const ajv = new Ajv({ allErrors, strict: false });
  addFormats(ajv);
  return ajv;
}

const knownValidatorsByMode = new Map<boolean, Map<string, ValidateFunction>>();

function knownValidators(allErrors: boolean): Map<string, ValidateFunction> {
  let validators = knownValidatorsByMode.get(allErrors);
  if (!validators) {
    const ajv = newSchemaCompiler(allErrors);
    validators = new Map(KNOWN_EVENT_TYPES.map((type) => [type, ajv.compile(KNOWN_EVENT_SCHEMAS[type])]));
    knownValidatorsByMode.set(allErrors, validators);
  }
  return validators;
}

/**
 * Checks an event's properties against its type: the built-in schema of a known type, or
 * the active definition of a custom type (compiled once per definition version). Immutable:
 * a definition change builds a new validator, swapped in atomically by the caller.
 */
export class EventTypeValidator {
  private readonly custom = new Map<string, ValidateFunction>();
  private readonly known: Map<string, ValidateFunction>;
  /** Types whose active definition is broken: their events cannot be checked, so never pass. */
  private readonly unusable = new Map<string, string>();
  readonly problems: DefinitionProblem[] = [];

  constructor(
    definitions: readonly CustomEventDefinition[],
    private readonly unknownTypes: UnknownTypePolicy,
    options: EventTypeValidatorOptions = {},
  ) {
    const allErrors = options.allErrors ?? false;
    this.known = knownValidators(allErrors);
    const ajv = newSchemaCompiler(allErrors);
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

  /** undefined when the properties are acceptable for the type, else why not (the first problem). */
  check(eventType: string, properties: Record<string, unknown>): Rejection | undefined {
    const outcome = this.judge(eventType, properties);
    if (outcome === undefined) return undefined;
    if ("reason" in outcome) return outcome;
    const first = outcome.violations[0]!;
    return { reason: "schema_violation", detail: `${eventType}: ${first.field} ${first.message}` };
  }

  /** Every violation of the type's schema (all of them when built with allErrors), or the rejection. */
  violations(eventType: string, properties: Record<string, unknown>): FieldViolation[] {
    const outcome = this.judge(eventType, properties);
    if (outcome === undefined) return [];
    if ("violations" in outcome) return outcome.violations;
    return [{ field: outcome.reason === "unknown_event_type" ? "event_type" : "properties", message: outcome.detail }];
  }

  private judge(eventType: string, properties: Record<string, unknown>): Rejection | { violations: FieldViolation[] } | undefined {
    const broken = this.unusable.get(eventType);
    if (broken) return { reason: "schema_violation", detail: broken };
    const validate = isKnownEventType(eventType) ? this.known.get(eventType) : this.custom.get(eventType);
    if (!validate) {
      return this.unknownTypes === "dead_letter"
        ? { reason: "unknown_event_type", detail: `${eventType} is neither a built-in type nor an active custom definition` }
        : undefined;
    }
    if (validate(properties)) return undefined;
    return { violations: (validate.errors ?? []).map((error) => violationOf(error, "properties")) };
  }
}

/** An ajv error as the field it concerns and what is wrong with it. */
export function violationOf(error: ErrorObject, root: string): FieldViolation {
  const path = error.instancePath ? `${root ? `${root}.` : ""}${error.instancePath.slice(1).replace(/\//g, ".")}` : root;
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty !== undefined) {
    return { field: path ? `${path}.${params.missingProperty}` : params.missingProperty, message: "is required" };
  }
  if (params.additionalProperty !== undefined) {
    return { field: path ? `${path}.${params.additionalProperty}` : params.additionalProperty, message: "is not a known field" };
  }
  return { field: path || "body", message: error.message ?? "is invalid" };
}
