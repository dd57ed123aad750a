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
    expect(body.message).toBe(`${"x".repeat(MAX_MESSAGE_CHARS)}… (500 more characters)`);
  });

  it("leaves small errors and other details as they are", () => {
    const ids = Array.from({ length: 1000 }, (_, index) => `id-${index}`);
    const body = errorBody(new HttpError(503, "unavailable", "retry", undefined, { fields: [{ field: "a" }], event_ids: ids }), "r");
    expect(body).toEqual({ code: "unavailable", message: "retry", field: undefined, fields: [{ field: "a" }], event_ids: ids, request_id: "r" });
  });
});
