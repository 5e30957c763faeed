import { RewindError } from '../../model/errors';
import { NO_TYPE } from '../../model/catalogue';
import { compare, ConditionError, holds, parseJsonCondition, type JsonCondition } from '../../model/json-condition';
import { compilePath, MISSING, scanPath, UNSURE } from '../../model/json-scan';
import { linearRegex, type LinearRegex } from '../../model/linear-regex';
import type { RecordFilter } from '../../model/topic-scan';
import type { KafkaRecord } from './record-batches';

/**
 * A search filter split in two. `fast` runs in the core on the raw bytes (a substring is looked
 * for in the buffer, JSON is parsed only when the property it names is in the text; patterns are
 * matched in linear time). `sandboxed` is JavaScript for the projection sandbox: the user's
 * predicate, which only the sandbox's watchdog can stop.
 */
export interface CompiledFilter {
  fast: (r: KafkaRecord) => boolean;
  sandboxed: string | null;
  /** No condition at all: every record is a hit. */
  empty: boolean;
  /**
   * Where the text to find anywhere is the only condition: a batch none of whose bytes hold it can
   * hold no hit, unless a value in it is compressed (gzip) and its text is only in what it inflates to.
   * Null where a batch has to be read record by record.
   */
  skipBatch: ((body: Buffer) => boolean) | null;
}

const GZIP = Buffer.from([0x1f, 0x8b]);

/** JSON opens with one of these (after whitespace): `{ [ " - 0-9 t f n`. */
const JSON_START = new Uint8Array(256);
for (const c of '{["-0123456789tfn') JSON_START[c.charCodeAt(0)] = 1;

/**
 * Whether bytes may be JSON, by how they open: a binary value (or 256 MB of zeros) is not, and is
 * said so at its first byte instead of being scanned to its end and then turned into a string.
 */
function mayBeJson(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return JSON_START[c] === 1;
  }
  return false;
}

/** A record's value as a decoder read it (Avro, Protobuf…); undefined: the bytes are searched as they are. */
export type DecodedOf = (r: KafkaRecord) => { value: unknown; text: () => string } | undefined;

/**
 * The ways a text can stand in a record's bytes: as it is, and as JSON writers escape it inside a
 * string (quotes and backslashes; `/` as `\/`, PHP's way; other than ASCII as `\u00e9`, Python's
 * and PHP's way, in either case of hex). A trace's id is found in a JSON value whichever wrote it.
 */
export function writtenForms(text: string): Buffer[] {
  const json = JSON.stringify(text).slice(1, -1);
  const ascii = (s: string, upper: boolean) => s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`);
  const forms = new Set([text, json, json.replace(/\//g, '\\/')]);
  for (const f of [...forms]) {
    forms.add(ascii(f, false));
    forms.add(ascii(f, true));
  }
  return [...forms].map((f) => Buffer.from(f, 'utf8'));
}

/** A record's event type as its envelope reads it; null: it names none. */
export type TypeOf = (r: KafkaRecord) => string | null;

export function compileFilter(filter: RecordFilter, decodedOf: DecodedOf = () => undefined, typeOf: TypeOf = () => null): CompiledFilter {
  const checks: ((r: KafkaRecord) => boolean)[] = [];
  const sandbox: string[] = [];
  const { key, header, value, anywhere, json, predicate, type } = filter;

  if (key) {
    const wanted = Buffer.from(key.value, 'utf8');
    if (key.mode === 'exact') checks.push((r) => r.key !== null && r.key.equals(wanted));
    else if (key.mode === 'prefix') checks.push((r) => r.key !== null && r.key.length >= wanted.length && r.key.subarray(0, wanted.length).equals(wanted));
    else {
      let re: LinearRegex;
      try {
        re = linearRegex(key.value);
      } catch (e) {
        throw new RewindError('invalid_input', `The key pattern is not a regular expression Rewind can match: ${(e as Error).message}`);
      }
      checks.push((r) => r.key !== null && re.test(r.key.toString('utf8')));
    }
  }
  if (header) {
    const name = header.name;
    const wanted = header.value === undefined ? null : Buffer.from(header.value, 'utf8');
    checks.push((r) => r.headers.some((h) => h.key === name && (wanted === null || (h.value !== null && h.value.indexOf(wanted) >= 0))));
  }
  if (value) {
    const needle = Buffer.from(value, 'utf8');
    checks.push((r) => {
      if (r.value === null) return false;
      if (r.value.indexOf(needle) >= 0) return true;
      const d = decodedOf(r);
      return d !== undefined && d.text().includes(value);
    });
  }
  const needles = anywhere ? writtenForms(anywhere) : [];
  const holdsText = (b: Buffer) => needles.some((n) => b.indexOf(n) >= 0);
  if (anywhere) {
    checks.push((r) => {
      if (r.key !== null && holdsText(r.key)) return true;
      for (const h of r.headers) if (h.value !== null && holdsText(h.value)) return true;
      if (r.value === null) return false;
      if (holdsText(r.value)) return true;
      const d = decodedOf(r);
      return d !== undefined && d.text().includes(anywhere);
    });
  }
  if (json) {
    let condition: JsonCondition;
    try {
      condition = parseJsonCondition(json);
    } catch (e) {
      if (e instanceof ConditionError) throw new RewindError('invalid_input', e.message, 'For example: $.data.amount > 100, $.type == "OrderPlaced", $.name ~ "^Ada"');
      throw e;
    }
    {
      // A `~` pattern is matched in linear time (model/linear-regex.ts), so it runs here too.
      const path = compilePath(condition.path);
      const parsed = (value: Buffer): boolean => {
        try {
          return holds(condition, JSON.parse(value.toString('utf8')));
        } catch {
          return false;
        }
      };
      checks.push((r) => {
        if (r.value === null) return false;
        const d = decodedOf(r);
        if (d !== undefined) return holds(condition, d.value);
        if (!mayBeJson(r.value)) return false;
        // Most records are not hits: the scan says so without building the document. What it
        // says is a hit, or cannot read, the full parse decides.
        const at = scanPath(r.value, path);
        if (at === UNSURE) return parsed(r.value);
        let v: unknown;
        if (at !== MISSING) {
          try {
            v = JSON.parse(r.value.toString('utf8', at.start, at.end));
          } catch {
            return parsed(r.value);
          }
        }
        return compare(condition, v) && parsed(r.value);
      });
    }
  }
  // `(no type)`, as the catalogue lists them: the records that name none.
  if (type !== undefined) checks.push(type === NO_TYPE ? (r) => typeOf(r) === null : (r) => typeOf(r) === type);
  if (predicate) sandbox.push(`(${predicate}\n)(r)`);

  const only = anywhere !== undefined && !key && !header && value === undefined && json === undefined && predicate === undefined && type === undefined;
  const skipBatch = only ? (body: Buffer) => !holdsText(body) && body.indexOf(GZIP) < 0 : null;
  const fast = checks.length === 0 ? () => true : checks.length === 1 ? checks[0]! : (r: KafkaRecord) => checks.every((c) => c(r));
  return { fast, sandboxed: sandbox.length === 0 ? null : sandbox.join(' && '), empty: checks.length === 0 && sandbox.length === 0, skipBatch };
}
