/**
 * A condition on a JSON value as people write it in a search box: a path from `$`, then an
 * optional comparison with a JSON literal.
 *
 *   $.data.amount > 100      $.type == "OrderPlaced"     $.items[0].sku      $['odd key'] != null
 *   $.customer.name ~ "^Ada"  (a regular expression)      $.tags contains "vip"
 *
 * A path alone holds when the value there exists and is not null. Comparisons of different types
 * are false (as in SQL, not as in JavaScript): "100" > 99 does not hold.
 */
import { linearRegex, type LinearRegex } from './linear-regex';
export type PathStep = string | number;
export type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~' | 'contains';

export interface JsonCondition {
  path: PathStep[];
  op: Operator | null;
  value: unknown;
  /** A property name the raw text must contain for the condition to hold (a cheap pre-check). */
  mustContain: string | null;
  /** For `~`: the compiled expression. */
  regex: LinearRegex | null;
}

export class ConditionError extends Error {}

const OPERATORS: Operator[] = ['contains', '==', '!=', '>=', '<=', '>', '<', '~'];

export function parseJsonCondition(text: string): JsonCondition {
  const s = text.trim();
  if (!s.startsWith('$')) throw new ConditionError('A condition starts with $, the value itself: $.data.amount > 100');
  let i = 1;
  const path: PathStep[] = [];
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(s.slice(i + 1));
      if (!m) throw new ConditionError(`A name must follow "." at character ${i + 1}`);
      path.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = s.slice(i + 1);
      const index = /^\s*(\d+)\s*\]/.exec(rest);
      const quoted = /^\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]/.exec(rest);
      if (index) {
        path.push(Number(index[1]));
        i += 1 + index[0].length;
      } else if (quoted) {
        const q = quoted[1]!;
        path.push(q.startsWith('"') ? (JSON.parse(q) as string) : (JSON.parse(`"${q.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string));
        i += 1 + quoted[0].length;
      } else throw new ConditionError(`Expected an index or a quoted name after "[" at character ${i + 1}`);
    } else break;
  }
  const rest = s.slice(i).trim();
  if (rest === '') return { path, op: null, value: null, mustContain: hint(path), regex: null };
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) throw new ConditionError(`Expected one of ${OPERATORS.join(' ')} after the path, not "${rest.slice(0, 12)}"`);
  const literal = rest.slice(op.length).trim();
  if (literal === '') throw new ConditionError(`A value must follow ${op}: a number, "text", true, false or null`);
  let value: unknown;
  try {
    value = JSON.parse(literal.startsWith("'") && literal.endsWith("'") ? JSON.stringify(literal.slice(1, -1)) : literal);
  } catch {
    throw new ConditionError(`${literal} is not a value: write a number, "text" in quotes, true, false or null`);
  }
  let regex: LinearRegex | null = null;
  if (op === '~') {
    if (typeof value !== 'string') throw new ConditionError('~ takes a regular expression in quotes: $.name ~ "^Ada"');
    try {
      regex = linearRegex(value);
    } catch (e) {
      throw new ConditionError(`Not a regular expression: ${(e as Error).message}`);
    }
  }
  if ((op === '>' || op === '<' || op === '>=' || op === '<=') && typeof value !== 'number' && typeof value !== 'string') {
    throw new ConditionError(`${op} compares numbers or text`);
  }
  // `!= x` holds where the path is missing, so no property name can be required of the text.
  return { path, op, value, mustContain: op === '!=' ? null : hint(path), regex };
}

function hint(path: PathStep[]): string | null {
  for (let k = path.length - 1; k >= 0; k--) {
    const step = path[k];
    if (typeof step === 'string') return JSON.stringify(step);
  }
  return null;
}

export function valueAt(root: unknown, path: PathStep[]): unknown {
  let v = root;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[step];
    } else {
      if (Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, step)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
  }
  return v;
}

export function holds(c: JsonCondition, root: unknown): boolean {
  return compare(c, valueAt(root, c.path));
}

/** Whether the value found at the condition's path (undefined: none) meets it. */
export function compare(c: JsonCondition, v: unknown): boolean {
  switch (c.op) {
    case null:
      return v !== undefined && v !== null;
    case '==':
      return same(v, c.value);
    case '!=':
      return !same(v, c.value);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      if (typeof v !== typeof c.value || (typeof v !== 'number' && typeof v !== 'string')) return false;
      const a = v as number | string;
      const b = c.value as number | string;
      return c.op === '>' ? a > b : c.op === '>=' ? a >= b : c.op === '<' ? a < b : a <= b;
    }
    case '~':
      return typeof v === 'string' && c.regex!.test(v);
    case 'contains':
      if (typeof v === 'string') return typeof c.value === 'string' && v.includes(c.value);
      return Array.isArray(v) && v.some((x) => same(x, c.value));
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
