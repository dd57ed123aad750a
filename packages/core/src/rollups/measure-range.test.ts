import { MAX_MEASURE_MAGNITUDE, MAX_MEASURE_PRODUCT_MAGNITUDE, measureValueProblem } from "./measure-range";

describe("measure range", () => {
  it("accepts finite values up to the bound, either sign", () => {
    for (const value of [0, -0, 1e-300, 5e-324, 123.45, MAX_MEASURE_MAGNITUDE, -MAX_MEASURE_MAGNITUDE]) {
      expect(measureValueProblem(value)).toBeUndefined();
    }
  });

  it("names values beyond the bound and non-finite values", () => {
    expect(measureValueProblem(MAX_MEASURE_MAGNITUDE * 1.0000001)).toBe("out_of_range");
    expect(measureValueProblem(-1e200)).toBe("out_of_range");
    expect(measureValueProblem(Number.MAX_VALUE)).toBe("out_of_range");
    expect(measureValueProblem(Infinity)).toBe("not_finite");
    expect(measureValueProblem(-Infinity)).toBe("not_finite");
    expect(measureValueProblem(NaN)).toBe("not_finite");
  });

  it("keeps a billion maximal products finite when summed", () => {
    const product = MAX_MEASURE_MAGNITUDE * MAX_MEASURE_MAGNITUDE;
    expect(product).toBe(MAX_MEASURE_PRODUCT_MAGNITUDE);
    expect(Number.isFinite(product * 1e9)).toBe(true);
    expect(Number.isFinite(-product * 1e9 + product * 1e9)).toBe(true);
  });

  it("keeps integers below the bound exact", () => {
    expect(MAX_MEASURE_MAGNITUDE).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
});
