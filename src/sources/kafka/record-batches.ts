import { RewindError } from '../../model/errors';
import { crc32, crc32c } from '../checksums';
import { checksumInPieces, decodeInSlices, decodeNow, inflate, type Decoder } from '../decode-steps';

/**
 * Kafka's on-disk and on-the-wire record format, read byte for byte: record batches (magic 2)
 * and the legacy message sets (magic 0 and 1). Nothing is re-encoded: keys, values and header
 * values are slices of what the broker sent, header order and duplicates are kept, and a null is
 * told from an empty value.
 *
 * One decoder (a generator, see decode-steps.ts) serves both ways of reading: readRecordSet at
 * once, readRecordSetInSlices as reads do, with large batches decompressed in a thread and a
 * pause every few hundred records.
 */

export interface KafkaHeader {
  key: string;
  /** null: the header carries no value (Java's `headers.add(k, null)`, kcat `-H name`). */
  value: Buffer | null;
}

export type TimestampType = 'create' | 'log-append';

export interface KafkaRecord {
  offset: number;
  /** Milliseconds since the epoch; -1 when the record has none. */
  timestamp: number;
  timestampType: TimestampType;
  /** null: no key; an empty Buffer: an empty key. */
  key: Buffer | null;
  /** null: a tombstone; an empty Buffer: an empty value. */
  value: Buffer | null;
  headers: KafkaHeader[];
}

export interface RecordBatch {
  baseOffset: number;
  /** The batch's last offset, whether or not that record is still there (compaction, control). */
  lastOffset: number;
  producerId: number;
  transactional: boolean;
  control: boolean;
  /** For a control batch: its marker (0 abort, 1 commit), or null. */
  controlType: number | null;
  records: KafkaRecord[];
  /** Records left unread because the reader said none of them could be wanted (`records` is then empty). */
  skipped: number;
}

/**
 * Says, from a batch's (decompressed) bytes, that none of its records can be wanted: they are then
 * counted, not read. Only data batches are asked; a control batch is always read.
 */
export type SkipBatch = (body: Buffer) => boolean;

/** Bytes that end a record set cut short by the fetch size; not an error, the next fetch has them. */
class Partial extends Error {}

/** A cursor over a buffer, with Kafka's big-endian ints and zig-zag varints. */
class Reader {
  at = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (n < 0 || this.at + n > this.buf.length) throw new Partial(`needs ${n} bytes at ${this.at} of ${this.buf.length}`);
  }
  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.at++);
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`a 64-bit value beyond 2^53 (${v})`);
    return Number(v);
  }
  /** Unsigned LEB128, then zig-zag: Kafka's varint and varlong (kept within 2^53). */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.at++]!;
      result += (b & 0x7f) * shift;
      if ((b & 0x80) === 0) {
        // zig-zag: even → n/2, odd → -(n+1)/2
        return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      }
      shift *= 128;
    }
    throw new RangeError('a varint longer than 10 bytes');
  }
  bytes(length: number): Buffer | null {
    if (length === -1) return null;
    if (length < -1) throw new RangeError(`a negative length ${length}`);
    this.need(length);
    const out = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
}

const RECORD_BATCH_HEADER = 61;
/** Records read between two places to pause. */
const PAUSE_EVERY = 256;

function readRecord(r: Reader, base: { offset: number; timestamp: number; type: TimestampType; maxTimestamp: number }): KafkaRecord {
  const length = r.varint();
  r.need(length);
  const end = r.at + length;
  r.int8(); // record attributes: unused by the protocol
  const timestampDelta = r.varint();
  const offsetDelta = r.varint();
  const key = r.bytes(r.varint());
  const value = r.bytes(r.varint());
  const count = r.varint();
  if (count < 0 || count > length) throw new RangeError(`a record claims ${count} headers`);
  const headers: KafkaHeader[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const k = r.bytes(r.varint());
    headers[i] = { key: k === null ? '' : k.toString('utf8'), value: r.bytes(r.varint()) };
  }
  if (r.at !== end) throw new RangeError(`a record's length says ${length} bytes but its fields take ${length + r.at - end}`);
  return {
    offset: base.offset + offsetDelta,
    // With LogAppendTime the broker's time is the batch's max timestamp, for every record in it.
    timestamp: base.type === 'log-append' ? base.maxTimestamp : base.timestamp + timestampDelta,
    timestampType: base.type,
    key,
    value,
    headers,
  };
}

/** Bytes that do not match their checksum: damaged on the broker's disk or on the way, never worth a retry. */
function checksumFailed(where: string, what: string, offset: number): RewindError {
  return new RewindError(
    'damaged',
    `${where}: the ${what} at offset ${offset} fails its checksum (${what === 'batch' ? 'CRC-32C' : 'CRC-32'}): its bytes are damaged`,
    'Read from a later offset to go past it, and check the broker’s disks and logs.',
  );
}

function* readBatch(r: Reader, where: string, skip?: SkipBatch): Decoder<RecordBatch> {
  const baseOffset = r.int64();
  const length = r.int32();
  r.need(length);
  if (length < RECORD_BATCH_HEADER - 12) throw new RangeError(`a batch of ${length} bytes`);
  const end = r.at + length;
  r.int32(); // partition leader epoch
  const magic = r.int8();
  if (magic !== 2) throw new RangeError(`magic ${magic} inside a record batch`);
  // CRC-32C of everything after it, as Kafka's own consumer checks it (check.crcs).
  const crc = r.int32() >>> 0;
  if ((yield* checksumInPieces(r.buf.subarray(r.at, end), crc32c)) !== crc) throw checksumFailed(where, 'batch', baseOffset);
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64();
  const maxTimestamp = r.int64();
  const producerId = r.int64();
  r.int16(); // producer epoch
  r.int32(); // base sequence
  const count = r.int32();
  const codec = attributes & 0x07;
  const type: TimestampType = attributes & 0x08 ? 'log-append' : 'create';
  const transactional = (attributes & 0x10) !== 0;
  const control = (attributes & 0x20) !== 0;
  let body: Reader;
  if (codec === 0) body = new Reader(r.buf.subarray(r.at, end));
  else body = new Reader(yield* inflate(codec, r.buf.subarray(r.at, end), `${where}: the batch at offset ${baseOffset}`));
  r.at = end;
  // A record takes at least 7 bytes: a count beyond that is damage, not a reason to allocate.
  if (count < 0 || count * 7 > body.buf.length) throw new RangeError(`a batch claims ${count} records in ${body.buf.length} bytes`);
  if (!control && skip?.(body.buf)) return { baseOffset, lastOffset: baseOffset + lastOffsetDelta, producerId, transactional, control, controlType: null, records: [], skipped: count };
  const base = { offset: baseOffset, timestamp: baseTimestamp, type, maxTimestamp };
  const records: KafkaRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (i % PAUSE_EVERY === PAUSE_EVERY - 1) yield null;
    records[i] = readRecord(body, base);
  }
  let controlType: number | null = null;
  if (control && records[0]?.key && records[0].key.length >= 4) controlType = records[0].key.readInt16BE(2);
  return { baseOffset, lastOffset: baseOffset + lastOffsetDelta, producerId, transactional, control, controlType, records, skipped: 0 };
}

/** Legacy messages (magic 0 and 1): one record each, or a compressed wrapper of many (never nested deeper). */
function* readLegacy(r: Reader, where: string, out: RecordBatch[], inner = false): Decoder<void> {
  const offset = r.int64();
  const size = r.int32();
  r.need(size);
  const end = r.at + size;
  // CRC-32, magic, attributes, key and value lengths at the least.
  if (size < 14) throw new RangeError(`a message of ${size} bytes at offset ${offset}`);
  const crc = r.int32() >>> 0;
  if (crc32(r.buf.subarray(r.at, end)) !== crc) throw checksumFailed(where, 'message', offset);
  const magic = r.int8();
  const attributes = r.int8();
  const timestamp = magic >= 1 ? r.int64() : -1;
  const key = r.bytes(r.int32());
  const value = r.bytes(r.int32());
  r.at = end;
  const codec = attributes & 0x07;
  const type: TimestampType = magic >= 1 && attributes & 0x08 ? 'log-append' : 'create';
  if (codec === 0) {
    out.push({
      baseOffset: offset,
      lastOffset: offset,
      producerId: -1,
      transactional: false,
      control: false,
      controlType: null,
      records: [{ offset, timestamp, timestampType: type, key, value, headers: [] }],
      skipped: 0,
    });
    return;
  }
  // A wrapper: its value is a message set. With magic 1 the inner offsets count from 0 and the
  // wrapper carries the last one's absolute offset.
  if (inner) throw new RangeError(`a compressed message set inside another at offset ${offset}`);
  const wrapped: RecordBatch[] = [];
  const ir = new Reader(yield* inflate(codec, value ?? Buffer.alloc(0), `${where}: the message set at offset ${offset}`));
  while (ir.at < ir.buf.length) {
    if (wrapped.length % PAUSE_EVERY === PAUSE_EVERY - 1) yield null;
    yield* readLegacy(ir, where, wrapped, true);
  }
  const lastRelative = wrapped.length > 0 ? wrapped[wrapped.length - 1]!.lastOffset : 0;
  for (const b of wrapped) {
    for (const rec of b.records) {
      if (magic >= 1) rec.offset = offset - lastRelative + rec.offset;
      if (type === 'log-append') {
        rec.timestamp = timestamp;
        rec.timestampType = 'log-append';
      }
    }
    b.baseOffset = b.lastOffset = b.records[0]?.offset ?? offset;
  }
  out.push(...wrapped);
}

/**
 * Every whole batch in a fetched record set. The set may end in a batch cut short by the fetch
 * size: that tail is left for the next fetch. A malformed batch throws, naming where it was.
 */
export function readRecordSet(buf: Buffer, where: string): RecordBatch[] {
  return decodeNow(recordSet(buf, where));
}

/** readRecordSet in slices: what a read does, so that other calls go on meanwhile. */
export function readRecordSetInSlices(buf: Buffer, where: string, signal?: AbortSignal, skip?: SkipBatch): Promise<RecordBatch[]> {
  return decodeInSlices(recordSet(buf, where, skip), signal);
}

function* recordSet(buf: Buffer, where: string, skip?: SkipBatch): Decoder<RecordBatch[]> {
  const r = new Reader(buf);
  const batches: RecordBatch[] = [];
  while (r.at < buf.length) {
    const start = r.at;
    if (buf.length - start < 17) break;
    const magic = buf.readInt8(start + 16);
    try {
      if (magic === 2) {
        if (buf.length - start < RECORD_BATCH_HEADER) break;
        batches.push(yield* readBatch(r, where, skip));
      } else if (magic === 0 || magic === 1) {
        yield* readLegacy(r, where, batches);
      } else {
        throw new RangeError(`unknown record format (magic ${magic})`);
      }
    } catch (e) {
      // A batch that does not fit is the fetch's cut, not damage, unless it was the only one.
      if (e instanceof Partial && batches.length > 0) break;
      if (e instanceof Partial) {
        const declared = buf.length - start >= 12 ? buf.readInt32BE(start + 8) : 0;
        if (start + 12 + declared > buf.length) break;
      }
      throw e instanceof RangeError || e instanceof Partial ? new RangeError(`${where}: the batch at byte ${start} is malformed (${e.message})`) : e;
    }
  }
  return batches;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/**
 * What a read_committed reader sees: records of aborted transactions and all control markers
 * left out, as Kafka's own consumer does it (the aborted list comes with the fetch).
 */
export function committedRecords(batches: RecordBatch[], aborted: AbortedTransaction[]): { records: KafkaRecord[]; hidden: number; skipped: RecordBatch[] } {
  const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  const shown: KafkaRecord[][] = [];
  const skipped: RecordBatch[] = [];
  let hidden = 0;
  for (const b of batches) {
    while (pending.length > 0 && pending[0]!.firstOffset <= b.lastOffset) abortedProducers.add(pending.shift()!.producerId);
    if (b.control) {
      if (b.controlType === 0) abortedProducers.delete(b.producerId);
      continue;
    }
    if (b.transactional && abortedProducers.has(b.producerId)) {
      hidden += b.records.length + b.skipped;
      continue;
    }
    if (b.skipped > 0) skipped.push(b);
    else shown.push(b.records);
  }
  return { records: joined(shown), hidden, skipped };
}

/** What a read_uncommitted reader sees: every data record, aborted ones included; no markers. */
export function allRecords(batches: RecordBatch[]): KafkaRecord[] {
  return joined(batches.filter((b) => !b.control).map((b) => b.records));
}

/** What a read_uncommitted reader skipped: every data batch left unread. */
export function skippedBatches(batches: RecordBatch[]): RecordBatch[] {
  return batches.filter((b) => !b.control && b.skipped > 0);
}

/**
 * The batches' records as one list: a batch's own list when it is the only one, else copied
 * natively (a batch may hold 250,000 records: pushed one by one they held the core 100 ms).
 */
function joined(lists: KafkaRecord[][]): KafkaRecord[] {
  if (lists.length === 1) return lists[0]!;
  let out: KafkaRecord[] = [];
  for (const l of lists) {
    if (l.length > 1_000) out = out.concat(l);
    else for (const r of l) out.push(r);
  }
  return out;
}
