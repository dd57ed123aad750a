/**
 * What to log or answer for anything thrown: its message, else its text. Read by shape, not
 * instanceof: an Error from another realm (a vm context, jest's sandbox) is still an Error.
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" ? message : String(error);
}
