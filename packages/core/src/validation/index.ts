export { ENVELOPE_ID_MAX_LENGTH, envelopeSchema } from "./envelope.schema";
export { checkEnvelope, type EnvelopeCheck } from "./envelope-validator";
export { CUSTOM_SCHEMA_LIMITS, customSchemaProblem, schemaIds } from "./custom-schema";
export { SCHEMA_COST_LIMITS } from "./schema-cost";
export {
  customSchemaError,
  type DefinitionProblem,
  EventTypeValidator,
  type EventTypeValidatorOptions,
  type FieldViolation,
  newSchemaCompiler,
  type UnknownTypePolicy,
  violationOf,
} from "./event-type-validator";
export { type EventLimits, eventLimits, type LimitViolation, numberViolations, timeViolation } from "./event-limits";
export { KNOWN_EVENT_SCHEMAS } from "./known-event.schemas";
export type { RejectReason, Rejection } from "./reject-reason";
export { type ParseOptions, type ParseResult, parseMessage, type RawMessage } from "./parse-message";
export { isStorableTime, MAX_EVENT_NESTING, nestsDeeperThan } from "./storable-limits";
export { unstorableTextPath } from "./unstorable-text";
export { EventTypesWatcher, type EventTypesWatcherOptions, registerUnusableDefinitionsGauge } from "./event-types.watcher";
