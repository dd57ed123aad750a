import { errorBody, HttpError, MAX_LISTED_FIELDS, MAX_MESSAGE_CHARS } from "./http-error";

describe("errorBody", () => {
  it("lists the first bad fields and counts the rest", () => {
    const fields = Array.from({ length: 450_000 }, (_, index) => ({ field: `k${index}`, message: "is not allowed" }));
    const body = errorBody(new HttpError(400, "invalid_event", "bad", "k0", { fields }), "req-1");
    expect(body.fields).toEqual(fields.slice(0, MAX_LISTED_FIELDS));
    expect(body.fields_omitted).toBe(450_000 - MAX_LISTED_FIELDS);
    expect(JSON.stringify(body).length).toBeLessThan(4096);
  });

  it("cuts a long message and says how much was cut", () => {
    const body = errorBody(new HttpError(400, "invalid_event", "x".repeat(MAX_MESSAGE_CHARS + 500)), undefined);
    expect(body.error).toBe(`${"x".repeat(MAX_MESSAGE_CHARS)}… (500 more characters)`);
  });

  it("keeps error, code and request_id when details carry the same names", () => {
    const body = errorBody(new HttpError(409, "conflict", "taken", undefined, { error: "x", code: "y", request_id: "z", name: "n" }), "r");
    expect(body).toEqual({ error: "taken", code: "conflict", field: undefined, name: "n", request_id: "r" });
  });

  it("answers the seed's 429 body: the error text, retry_after in seconds, and the code", () => {
    const body = errorBody(new HttpError(429, "rate_limited", "rate limit exceeded", undefined, { limit: "1000 requests per minute" }, 60), "r");
    expect(body).toMatchObject({ error: "rate limit exceeded", retry_after: 60, code: "rate_limited", request_id: "r" });
  });

  it("leaves small errors and other details as they are", () => {
    const ids = Array.from({ length: 1000 }, (_, index) => `id-${index}`);
    const body = errorBody(new HttpError(503, "unavailable", "retry", undefined, { fields: [{ field: "a" }], event_ids: ids }), "r");
    expect(body).toEqual({ error: "retry", code: "unavailable", field: undefined, fields: [{ field: "a" }], event_ids: ids, request_id: "r" });
  });
});
