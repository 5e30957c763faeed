import type { PathStep } from './json-condition';

/**
 * Finds the value at a JSON path in UTF-8 JSON bytes without building the document: strings are
 * skipped with Buffer.indexOf, containers by counting brackets, and only the value at the path is
 * returned (as a byte span) for the caller to parse. Duplicate keys resolve as JSON.parse does
 * (the last one wins, at every level). It does not validate what it skips: a caller that gets an
 * answer which matters (a hit) confirms it with JSON.parse. Anything it cannot vouch for (escapes
 * in a key, bytes that are not JSON where it looks) is UNSURE, and the caller parses in full.
 */
export const MISSING = -1;
export const UNSURE = -2;
export type ScanResult = typeof MISSING | typeof UNSURE | { start: number; end: number };

class Unsure extends Error {}
const unsure = new Unsure();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export function compilePath(path: PathStep[]): (Buffer | number)[] {
  return path.map((s) => (typeof s === 'number' ? s : Buffer.from(s, 'utf8')));
}

export function scanPath(b: Buffer, path: (Buffer | number)[]): ScanResult {
  try {
    const start = ws(b, 0);
    const found = walk(b, start, path, 0);
    if (ws(b, found.end) !== b.length) throw unsure;
    return found.span ?? MISSING;
  } catch (e) {
    if (e === unsure || e instanceof RangeError) return UNSURE;
    throw e;
  }
}

/**
 * The spans of a top-level JSON array's elements, one at a time, without parsing them: a caller
 * can parse a long answer element by element and let other work in between. Throws when the
 * bytes are not an array it can vouch for (the caller then parses the whole as usual).
 */
export function* arrayElements(b: Buffer): Generator<{ start: number; end: number }, void, void> {
  let j = ws(b, 0);
  if (b[j] !== 0x5b) throw unsure;
  j = ws(b, j + 1);
  if (b[j] === 0x5d) {
    if (ws(b, j + 1) !== b.length) throw unsure;
    return;
  }
  for (;;) {
    const end = skipValue(b, j);
    yield { start: j, end };
    j = ws(b, end);
    if (b[j] === 0x2c) j = ws(b, j + 1);
    else if (b[j] === 0x5d) {
      if (ws(b, j + 1) !== b.length) throw unsure;
      return;
    } else throw unsure;
  }
}

interface Walked {
  end: number;
  span: { start: number; end: number } | null;
}

function walk(b: Buffer, i: number, path: (Buffer | number)[], k: number): Walked {
  if (i >= b.length) throw unsure;
  if (k === path.length) {
    const end = skipValue(b, i);
    return { end, span: { start: i, end } };
  }
  const step = path[k]!;
  const c = b[i]!;
  if (c === 0x7b && typeof step !== 'number') {
    let span: Walked['span'] = null;
    let j = ws(b, i + 1);
    if (b[j] === 0x7d) return { end: j + 1, span: null };
    for (;;) {
      if (b[j] !== QUOTE) throw unsure;
      const keyEnd = stringEnd(b, j);
      const matches = keyIs(b, j + 1, keyEnd - 1, step);
      j = ws(b, keyEnd);
      if (b[j] !== 0x3a) throw unsure;
      j = ws(b, j + 1);
      if (matches) {
        // A later duplicate replaces an earlier one, found beneath it or not.
        const w = walk(b, j, path, k + 1);
        span = w.span;
        j = w.end;
      } else j = skipValue(b, j);
      j = ws(b, j);
      if (b[j] === 0x2c) j = ws(b, j + 1);
      else if (b[j] === 0x7d) return { end: j + 1, span };
      else throw unsure;
    }
  }
  if (c === 0x5b && typeof step === 'number') {
    let span: Walked['span'] = null;
    let j = ws(b, i + 1);
    if (b[j] === 0x5d) return { end: j + 1, span: null };
    for (let index = 0; ; index++) {
      if (index === step) {
        const w = walk(b, j, path, k + 1);
        span = w.span;
        j = w.end;
      } else j = skipValue(b, j);
      j = ws(b, j);
      if (b[j] === 0x2c) j = ws(b, j + 1);
      else if (b[j] === 0x5d) return { end: j + 1, span };
      else throw unsure;
    }
  }
  // The path goes on, but this value is not the container it needs: nothing there.
  return { end: skipValue(b, i), span: null };
}

/** The key's bytes equal the step's; a key with escapes may equal it written another way. */
function keyIs(b: Buffer, start: number, end: number, step: Buffer): boolean {
  // Keys are short: a loop here costs less than a call into Buffer's native methods.
  let same = end - start === step.length;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === BACKSLASH) throw unsure;
    if (same && c !== step[i - start]) same = false;
  }
  return same;
}

function ws(b: Buffer, i: number): number {
  while (i < b.length && isWs(b[i]!)) i++;
  return i;
}

/** After the closing quote of the string that opens at `i`. */
function stringEnd(b: Buffer, i: number): number {
  // Short strings byte by byte; long ones (a padding, a description) with the native search.
  const near = Math.min(b.length, i + 48);
  for (let j = i + 1; j < near; j++) {
    const c = b[j];
    if (c === BACKSLASH) {
      j++;
      continue;
    }
    if (c === QUOTE) return j + 1;
  }
  // A quote counts when an even number of backslashes stands before it, wherever the search starts.
  let j = near;
  for (;;) {
    const q = b.indexOf(QUOTE, j);
    if (q === -1) throw unsure;
    let slashes = 0;
    for (let s = q - 1; s > i && b[s] === BACKSLASH; s--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === undefined) throw unsure;
  if (c === QUOTE) return stringEnd(b, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    while (j < b.length) {
      const x = b[j]!;
      if (x === QUOTE) {
        j = stringEnd(b, j);
        continue;
      }
      if (x === 0x7b || x === 0x5b) depth++;
      else if (x === 0x7d || x === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    throw unsure;
  }
  // A number or a literal: up to the next delimiter.
  let j = i;
  while (j < b.length) {
    const x = b[j]!;
    if (x === 0x2c || x === 0x7d || x === 0x5d || isWs(x)) break;
    j++;
  }
  if (j === i) throw unsure;
  return j;
}
