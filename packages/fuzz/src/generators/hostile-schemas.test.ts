import fc from "fast-check";
import { type CustomEventDefinition, customSchemaError, EventTypeValidator } from "@trading-analytics/core";
import { fuzzSettings } from "../fuzz-settings";
import { hostileSchema, schemaProbe } from "./hostile-schemas";

const definition = (name: string, schema: Record<string, unknown>): CustomEventDefinition => ({
  name,
  version: 1,
  displayName: null,
  description: null,
  schema,
  isActive: true,
  createdAt: new Date(),
});

/** Checking one event must take well under this, whatever the schema that was accepted. */
const CHECK_BUDGET_MS = 250;

describe("hostile custom event schemas", () => {
  const { seed, runs } = fuzzSettings();

  it("are refused with a reason, or accepted and then check any event quickly, synchronously and without throwing", () => {
    const unhandled = jest.fn();
    process.on("unhandledRejection", unhandled);
    try {
      fc.assert(
        fc.property(hostileSchema(), fc.array(schemaProbe(), { minLength: 1, maxLength: 3 }), (schema, probes) => {
          const problem = customSchemaError(schema);
          // Stored anyway (as before the check existed): the validator must cope either way.
          const validator = new EventTypeValidator([definition("custom.fuzz", schema), definition("custom.fuzz_twin", schema)], "dead_letter", { allErrors: true });
          if (problem !== undefined) {
            expect(problem.length).toBeGreaterThan(0);
            expect(validator.problems.map((p) => p.name)).toEqual(["custom.fuzz", "custom.fuzz_twin"]);
          } else {
            // Accepted schemas compile in the validator too, twice (a shared $id never makes the second unusable).
            expect(validator.problems).toEqual([]);
          }
          for (const properties of probes) {
            const started = performance.now();
            const rejection = validator.check("custom.fuzz", properties);
            const violations = validator.violations("custom.fuzz_twin", properties);
            expect(performance.now() - started).toBeLessThan(CHECK_BUDGET_MS * 2);
            if (rejection !== undefined) expect(rejection).toEqual({ reason: "schema_violation", detail: expect.any(String) });
            expect(Array.isArray(violations)).toBe(true);
            if (problem !== undefined) expect(rejection?.detail).toContain("cannot be used");
          }
        }),
        // A tenth of the suite's cases: each compiles a schema three times.
        { seed, numRuns: Math.max(50, Math.round(runs / 10)) },
      );
    } finally {
      process.off("unhandledRejection", unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
  });
});
