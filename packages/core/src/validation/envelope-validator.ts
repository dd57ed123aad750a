import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { WireEvent } from "../models";
import { envelopeSchema } from "./envelope.schema";
import { type FieldViolation, violationOf } from "./event-type-validator";

function compileEnvelope(allErrors: boolean): ValidateFunction<WireEvent> {
  const ajv = new Ajv({ allErrors, strict: true });
  addFormats(ajv, ["uuid", "date-time"]);
  return ajv.compile<WireEvent>(envelopeSchema);
}

const firstErrorOnly = compileEnvelope(false);
const everyError = compileEnvelope(true);

export type EnvelopeCheck = { ok: true; envelope: WireEvent } | { ok: false; violations: FieldViolation[] };

/**
 * Checks the envelope every producer sends (event_type, ids, timestamp, properties object).
 * With allErrors every bad field is reported (HTTP answers name them all); without, only the
 * first, which is all a dead letter needs and cheaper on the ingest path.
 */
export function checkEnvelope(body: unknown, options: { allErrors?: boolean } = {}): EnvelopeCheck {
  const validate = options.allErrors ? everyError : firstErrorOnly;
  if (validate(body)) return { ok: true, envelope: body };
  const violations = (validate.errors ?? []).map((error) => violationOf(error, ""));
  return { ok: false, violations: violations.length > 0 ? violations : [{ field: "body", message: "is not a valid event" }] };
}
