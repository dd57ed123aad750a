import { BoundedLabel, OTHER_LABEL_VALUE } from "./bounded-label";

describe("BoundedLabel", () => {
  it("keeps the first values it sees and reports later new ones as _other", () => {
    const label = new BoundedLabel(2);
    expect(["a", "b", "a", "c", "b", "d"].map((value) => label.value(value))).toEqual(["a", "b", "a", OTHER_LABEL_VALUE, "b", OTHER_LABEL_VALUE]);
  });
});
