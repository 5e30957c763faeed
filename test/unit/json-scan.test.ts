import { describe, expect, it } from 'vitest';
import { compilePath, MISSING, scanPath, UNSURE } from '../../src/model/json-scan';
import { holds, parseJsonCondition, valueAt } from '../../src/model/json-condition';
import { compileFilter } from '../../src/sources/kafka/record-filter';
import type { KafkaRecord } from '../../src/sources/kafka/record-batches';

/** A seeded generator, so a failure names an input that can be made again. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const KEYS = ['data', 'amount', 'type', 'a', 'b', 'items', 'name', 'am\\u006fount', '', 'x y'];

/** Random JSON text: nested objects and arrays, duplicate keys, escapes, odd whitespace. */
function gen(r: () => number, depth: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const sp = () => pick(['', ' ', '\n', '\t ', '']);
  const roll = r();
  if (depth > 3 || roll < 0.35) {
    return pick([
      '0',
      '-1',
      '990',
      '991',
      '1e3',
      '12.5',
      'true',
      'false',
      'null',
      '"A-17"',
      '"a \\" quote"',
      '"back\\\\"',
      '"\\u00e9t\\u00e9"',
      '"vip"',
      '"é😀"',
      '[]',
      '{}',
      `"${'y'.repeat(45)}\\"${'z'.repeat(10)}"`,
      `"${'y'.repeat(46)}\\\\"`,
      `"${'y'.repeat(44)}\\\\\\"q"`,
    ]);
  }
  if (roll < 0.5) return `[${sp()}${Array.from({ length: Math.floor(r() * 4) }, () => gen(r, depth + 1)).join(`${sp()},${sp()}`)}${sp()}]`;
  const members = Array.from({ length: Math.floor(r() * 5) }, () => `"${pick(KEYS)}"${sp()}:${sp()}${gen(r, depth + 1)}`);
  return `{${sp()}${members.join(`${sp()},${sp()}`)}${sp()}}`;
}

/** Breaks valid JSON the ways bytes get broken: cut short, a byte changed, junk after. */
function damage(r: () => number, text: string): string {
  const roll = r();
  const at = Math.floor(r() * text.length);
  if (roll < 0.33) return text.slice(0, at);
  if (roll < 0.66) return text.slice(0, at) + '{"]:,'[Math.floor(r() * 5)] + text.slice(at + 1);
  return text + ' x';
}

const CONDITIONS = [
  '$.data.amount > 990',
  '$.amount == 991',
  '$.type == "A-17"',
  '$.data',
  '$.items[1]',
  '$.items[0].a != null',
  '$.a.b contains "vip"',
  '$.name >= "A"',
  '$',
  '$.data.amount != 0',
  '$["x y"] == true',
  "$['am\\u006fount'] == 1",
];

const record = (value: Buffer): KafkaRecord => ({ offset: 0, timestamp: 0, timestampType: 'create', key: null, value, headers: [] });

describe('finding a JSON path without parsing the document', () => {
  it('finds what JSON.parse finds, the last duplicate winning', () => {
    const doc = Buffer.from('{"data": {"amount": 5}, "pad": "x\\"}y", "data": {"amount": 7, "amount": 9}}');
    const at = scanPath(doc, compilePath(['data', 'amount']));
    expect(at).not.toBe(MISSING);
    expect(at).not.toBe(UNSURE);
    if (typeof at === 'object') expect(doc.toString('utf8', at.start, at.end)).toBe('9');
    expect(scanPath(Buffer.from('{"data": {"amount": 5}, "data": {}}'), compilePath(['data', 'amount']))).toBe(MISSING);
    expect(scanPath(Buffer.from('{"am\\u006fount": 5}'), compilePath(['amount']))).toBe(UNSURE);
  });

  it('agrees with JSON.parse on 100,000 random documents, valid and damaged', () => {
    const r = rng(20261123);
    const filters = CONDITIONS.map((c) => ({ c, fast: compileFilter({ json: c }).fast, condition: parseJsonCondition(c) }));
    const disagreements: string[] = [];
    let hits = 0;
    for (let n = 0; n < 100_000; n++) {
      let text = gen(r, 0);
      if (r() < 0.3) text = damage(r, text);
      const bytes = Buffer.from(text, 'utf8');
      let parsed: unknown;
      let valid = true;
      try {
        // What the bytes say (a damaged emoji is U+FFFD once encoded), as the filter sees them.
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        valid = false;
      }
      for (const f of filters) {
        const truth = valid && holds(f.condition, parsed);
        if (truth) hits++;
        if (f.fast(record(bytes)) !== truth) disagreements.push(`${f.c} on ${text}`);
        if (valid) {
          // Where the scan answers with a value, it is the one JSON.parse puts there.
          const at = scanPath(bytes, compilePath(f.condition.path));
          if (typeof at === 'object' && JSON.stringify(JSON.parse(bytes.toString('utf8', at.start, at.end))) !== JSON.stringify(valueAt(parsed, f.condition.path)))
            disagreements.push(`value of ${f.c} in ${text}`);
          if (at === MISSING && valueAt(parsed, f.condition.path) !== undefined) disagreements.push(`missed ${f.c} in ${text}`);
        }
      }
      if (disagreements.length > 5) break;
    }
    expect(disagreements).toEqual([]);
    expect(hits).toBeGreaterThan(1000);
  }, 60_000);
});
