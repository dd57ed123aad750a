/** An error the client caused or should know about; the message is safe to return. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** More the client may need (every bad field, ids to retry with), merged into the error object. */
    readonly details?: Record<string, unknown>,
    /** Sent as Retry-After on 429 and 503 answers. */
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

/** The JSON `error` object of an HttpError, with its lists and message bounded. */
export function errorBody(error: HttpError, requestId: string | undefined): Record<string, unknown> {
  const details: Record<string, unknown> = { ...error.details };
  const fields = details.fields;
  if (Array.isArray(fields) && fields.length > MAX_LISTED_FIELDS) {
    details.fields = fields.slice(0, MAX_LISTED_FIELDS);
    details.fields_omitted = fields.length - MAX_LISTED_FIELDS;
  }
  let message = error.message;
  if (message.length > MAX_MESSAGE_CHARS) {
    message = `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
  }
  return { code: error.code, message, field: error.field, ...details, request_id: requestId };
}
