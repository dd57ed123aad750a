/** An error the client caused or should know about; the message is safe to return. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function invalidParameter(field: string, message: string): HttpError {
  return new HttpError(400, "invalid_parameter", `${field}: ${message}`, field);
}
