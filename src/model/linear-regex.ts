import { RE2JS } from 're2js';

/**
 * Patterns that come from users or brokers (a policy's pattern, a search's `~`) are matched by
 * RE2 (re2js): its time grows with the text, never exponentially, so `^(a+)+$` against a long
 * name cannot freeze the core the way a backtracking engine does. RE2 refuses what it cannot do
 * in linear time (backreferences, lookaround); the caller says so instead of guessing.
 */
export interface LinearRegex {
  /** Whether the pattern matches anywhere in the text (like RegExp.test and PCRE's re:run). */
  test(text: string): boolean;
}

const compiled = new Map<string, LinearRegex>();

/** Compiles once per pattern; throws an Error whose message says why a pattern is refused. */
export function linearRegex(pattern: string): LinearRegex {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/^error parsing regexp: /, '')} (patterns are matched in linear time, without backreferences or lookaround)`, { cause: e });
  }
  const regex: LinearRegex = { test: (text) => re.matcher(text).find() };
  if (compiled.size >= 1_000) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}
