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
