import type { RegExpEngine, RegExpLike } from "ajv/dist/types";
import { RE2JS } from "re2js";
import { errorMessage } from "../errors";

/**
 * A schema's `pattern` (and `patternProperties`, `propertyNames` patterns) run on RE2, whose
 * matching time is linear in the input: a backtracking RegExp lets one pattern such as
 * `^(a+)+$` hold the request thread or the ingester loop for seconds per event. Linear is not
 * cheap by itself: when RE2's DFA gives up, its NFA costs (program instructions × input length).
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

/** Longer patterns are refused before compiling: RE2 would build programs of up to ~1.4M instructions from a few KB. */
export const MAX_PATTERN_CHARS = 1000;

export type PatternProgram = { ok: true; instructions: number } | { ok: false; problem: string };

/**
 * The size of the RE2 program a pattern compiles to (its matching cost per input character,
 * in the worst case), or why RE2 cannot run it (backreferences, lookaround, bad syntax).
 * Call only with patterns of at most MAX_PATTERN_CHARS.
 */
export function patternProgram(pattern: string): PatternProgram {
  try {
    return { ok: true, instructions: RE2JS.compile(pattern).programSize() };
  } catch (error) {
    return { ok: false, problem: errorMessage(error) };
  }
}
