import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { CheckedWireEvent, WireEvent } from "../models";
import { envelopeSchema } from "./envelope.schema";
import { type FieldViolation, violationOf } from "./event-type-validator";

function compileEnvelope(allErrors: boolean): ValidateFunction<WireEvent> {
  const ajv = new Ajv({ allErrors, strict: true });
  addFormats(ajv, ["uuid", "date-time"]);
  return ajv.compile<WireEvent>(envelopeSchema);
}

const firstErrorOnly = compileEnvelope(false);
const everyError = compileEnvelope(true);

export type EnvelopeCheck = { ok: true; envelope: CheckedWireEvent } | { ok: false; violations: FieldViolation[] };

const BOTH_PROPERTY_NAMES: FieldViolation = {
  field: "data",
  message: "cannot be sent together with properties (data is NexusCore's name for properties): send one of them",
};

/**
 * Checks the envelope every producer sends (event_type, ids, service, timestamp, properties
 * object) and gives it with NexusCore's `data` as `properties`. With allErrors every bad field
 * is reported (HTTP answers name them all); without, only the first, which is all a dead
 * letter needs and cheaper on the ingest path.
 */
export function checkEnvelope(body: unknown, options: { allErrors?: boolean } = {}): EnvelopeCheck {
  const validate = options.allErrors ? everyError : firstErrorOnly;
  if (validate(body)) {
    if (body.data === undefined) return { ok: true, envelope: body };
    if (body.properties !== undefined) return { ok: false, violations: [BOTH_PROPERTY_NAMES] };
    const { data, ...envelope } = body;
    return { ok: true, envelope: { ...envelope, properties: data } };
  }
  const violations = (validate.errors ?? []).map((error) => violationOf(error, ""));
  if (options.allErrors && holdsBoth(body)) violations.push(BOTH_PROPERTY_NAMES);
  return { ok: false, violations: violations.length > 0 ? violations : [{ field: "body", message: "is not a valid event" }] };
}

function holdsBoth(body: unknown): boolean {
  return typeof body === "object" && body !== null && "data" in body && "properties" in body;
}
