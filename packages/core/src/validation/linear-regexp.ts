import type { RegExpEngine, RegExpLike } from "ajv/dist/types";
import { RE2JS } from "re2js";

/**
 * A schema's `pattern` (and `patternProperties`, `propertyNames` patterns) run on RE2, whose
 * matching time is linear in the input: a backtracking RegExp lets one pattern such as
 * `^(a+)+$` hold the request thread or the ingester loop for seconds per event.
 */
class LinearRegExp implements RegExpLike {
  private readonly compiled: RE2JS;

  constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    this.compiled = RE2JS.compile(source);
  }

  test(input: string): boolean {
    return this.compiled.test(input);
  }

  // ajv caches compiled patterns by this text: it must differ between patterns.
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** ajv's `code.regExp` engine: RE2 semantics (no backreferences or lookaround). */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string, flags: string): RegExpLike => new LinearRegExp(pattern, flags), {
  code: "linearRegExp",
});

/** Why RE2 cannot run a pattern (backreferences, lookaround, bad syntax), or undefined if it can. */
export function linearPatternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
