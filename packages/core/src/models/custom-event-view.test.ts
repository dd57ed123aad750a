import { toCustomEventView } from "./custom-event-view";

describe("toCustomEventView", () => {
  it("shows a definition with snake_case keys and its creation time in ISO 8601", () => {
    const schema = { type: "object", properties: { price: { type: "number" } } };
    expect(
      toCustomEventView({
        name: "custom.trading.signal",
        version: 3,
        displayName: null,
        description: "a signal",
        schema,
        isActive: false,
        createdAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)),
      }),
    ).toEqual({
      name: "custom.trading.signal",
      version: 3,
      display_name: null,
      description: "a signal",
      schema,
      is_active: false,
      created_at: "2025-01-02T03:04:05.006Z",
    });
  });
});
