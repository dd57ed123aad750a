import { runInNewContext } from "node:vm";
import { backoffDelay } from "./backoff";
import { countBy } from "./count-by";
import { errorMessage } from "./errors";

describe("backoffDelay", () => {
  it("doubles from the base and stops at the cap, whatever the attempt", () => {
    const policy = { baseMs: 100, maxMs: 5_000 };
    expect([0, 1, 2, 5, 6, 1_000, -1].map((attempt) => backoffDelay(attempt, policy))).toEqual([100, 200, 400, 3_200, 5_000, 5_000, 100]);
  });
});

describe("errorMessage", () => {
  it("gives an Error's message and the text of anything else thrown", () => {
    expect(errorMessage(new TypeError("bad input"))).toBe("bad input");
    expect(errorMessage("plain string")).toBe("plain string");
    expect(errorMessage(undefined)).toBe("undefined");
    expect(errorMessage({ code: 42 })).toBe("[object Object]");
    // An Error from another realm (a vm context) fails instanceof but has its message.
    expect(errorMessage(runInNewContext("new Error('from another realm')"))).toBe("from another realm");
  });
});

describe("countBy", () => {
  it("counts the items under each key, in first-seen order", () => {
    const counts = countBy(["order.placed", "trade", "order.placed"], (type) => type);
    expect([...counts]).toEqual([["order.placed", 2], ["trade", 1]]);
    expect(countBy([], String).size).toBe(0);
  });
});
