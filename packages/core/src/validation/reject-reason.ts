/** Why a message can never be stored; each one is dead-lettered under this name. */
export type RejectReason =
  | "too_large"
  | "invalid_utf8"
  | "invalid_json"
  | "unstorable_text"
  | "invalid_envelope"
  | "timestamp_in_future"
  | "timestamp_too_old"
  | "number_out_of_range"
  | "duplicate_event_id"
  | "unknown_event_type"
  | "schema_violation";

export interface Rejection {
  reason: RejectReason;
  detail: string;
}
