import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { type CustomEventDefinition, isKnownEventType, KNOWN_EVENT_TYPES } from "../models";
import { type CompiledCustomSchema, compileCustomSchema } from "./custom-schema";
import { KNOWN_EVENT_SCHEMAS } from "./known-event.schemas";
import { linearRegExp } from "./linear-regexp";
import type { Rejection } from "./reject-reason";

export type UnknownTypePolicy = "accept" | "dead_letter";

/** An active definition the validator cannot use; events of its type are rejected meanwhile. */
export interface DefinitionProblem {
  name: string;
  version: number;
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
  const ajv = new Ajv({
    allErrors,
    // User schemas may carry annotations ajv does not know; strict mode would refuse them.
    strict: false,
    // Patterns run in linear time (RE2), never as backtracking RegExps.
    code: { regExp: linearRegExp },
    // Its notes on user schemas (an unknown format is ignored) would bypass the structured log, once per compile.
    logger: false,
  });
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
        this.problems.push({ name: definition.name, version: definition.version, error: "shadows a built-in event type; ignored" });
        continue;
      }
      const compiled = compileSafely(ajv, definition.schema);
      if (compiled.ok) {
        this.custom.set(definition.name, compiled.validate);
      } else {
        this.problems.push({ name: definition.name, version: definition.version, error: compiled.problem });
        this.unusable.set(definition.name, unusableDetail(definition, compiled.problem));
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
    let valid: unknown;
    try {
      valid = validate(properties);
    } catch (error) {
      // e.g. a $ref cycle that never descends into the data overflows the stack: refuse the event, stop nothing.
      const why = error instanceof Error ? error.message : String(error);
      return { reason: "schema_violation", detail: `${eventType}: its schema could not check this event (${why}), so it is refused` };
    }
    if (valid === true) return undefined;
    if (valid !== false) return { reason: "schema_violation", detail: notSynchronous(eventType, valid) };
    return { violations: (validate.errors ?? []).map((error) => violationOf(error, "properties")) };
  }
}

/** One definition that fails in a way nobody foresaw must not stop the others from loading. */
function compileSafely(ajv: Ajv, schema: Record<string, unknown>): CompiledCustomSchema {
  try {
    return compileCustomSchema(ajv, schema);
  } catch (error) {
    return { ok: false, problem: `schema: cannot be checked (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** compileCustomSchema refuses async schemas; should one slip through, its promise is silenced and its events refused. */
function notSynchronous(eventType: string, outcome: unknown): string {
  const then = (outcome as { then?: unknown } | null)?.then;
  if (typeof then === "function") (then as (a: undefined, b: () => void) => void).call(outcome, undefined, () => undefined);
  return `${eventType}: its schema's validator did not answer synchronously, so its events are refused until the definition is replaced`;
}

function unusableDetail(definition: CustomEventDefinition, problem: string): string {
  return `${definition.name}: active definition v${definition.version} cannot be used, so its events are refused until it is replaced (${problem})`;
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

/**
 * Why a custom schema would be refused, or undefined: what the API and CLI check before storing,
 * with the validator's settings (compiled alone, as every definition is).
 */
export function customSchemaError(schema: Record<string, unknown>): string | undefined {
  const compiled = compileCustomSchema(newSchemaCompiler(), schema);
  return compiled.ok ? undefined : compiled.problem;
}
