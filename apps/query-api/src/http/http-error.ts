/** An error the client caused or should know about; the message is safe to return. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** More the client may need (every bad field, ids to retry with), merged into the error object. */
    readonly details?: Record<string, unknown>,
    /** Sent as Retry-After on 429 and 503 answers, and as retry_after in the body (the seed's 429 field). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function invalidParameter(field: string, message: string): HttpError {
  return new HttpError(400, "invalid_parameter", `${field}: ${message}`, field);
}

/** Most entries of `fields` an error lists; the rest are only counted, so a body with 450k bad keys gets a small answer. */
export const MAX_LISTED_FIELDS = 20;
/** Longest message sent; longer ones (one clause per bad field) are cut and say how much was cut. */
export const MAX_MESSAGE_CHARS = 2000;

/** Keys of the error body that details never overwrite. */
const RESERVED_KEYS = new Set(["error", "code", "field", "retry_after", "request_id"]);

/**
 * The JSON body of an HttpError, flat as the seed's clients read it: `error` is the message
 * string, with code, field, request_id and the details beside it; lists and message bounded.
 */
export function errorBody(error: HttpError, requestId: string | undefined): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error.details ?? {})) if (!RESERVED_KEYS.has(key)) details[key] = value;
  const fields = details.fields;
  if (Array.isArray(fields) && fields.length > MAX_LISTED_FIELDS) {
    details.fields = fields.slice(0, MAX_LISTED_FIELDS);
    details.fields_omitted = fields.length - MAX_LISTED_FIELDS;
  }
  let message = error.message;
  if (message.length > MAX_MESSAGE_CHARS) {
    message = `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
  }
  const retry = error.retryAfterSeconds === undefined ? {} : { retry_after: error.retryAfterSeconds };
  return { error: message, code: error.code, field: error.field, ...retry, ...details, request_id: requestId };
}
