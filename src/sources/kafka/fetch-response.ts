import type { AbortedTransaction } from './record-batches';

/** One partition of a Fetch response, with its record set left as the broker's bytes. */
export interface FetchedPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  /** read_committed: records at or past this offset are not yet decided. */
  lastStableOffset: number;
  logStartOffset: number;
  aborted: AbortedTransaction[];
  records: Buffer | null;
}

export interface FetchResponse {
  errorCode: number;
  partitions: FetchedPartition[];
}

/**
 * Fetch responses v4 to v11 (the versions Rewind asks for). The record sets are not decoded here:
 * record-batches.ts reads them byte for byte.
 */
export function decodeFetchResponse(payload: Buffer, version: number): FetchResponse {
  let at = 0;
  // Every count and length is checked against the bytes left before anything is read or kept.
  const need = (n: number, what: string) => {
    if (n < 0 || at + n > payload.length) throw new RangeError(`the fetch response is malformed: ${what} runs past its end (${at + n} > ${payload.length})`);
  };
  const int16 = () => (need(2, 'a field'), (at += 2), payload.readInt16BE(at - 2));
  const int32 = () => (need(4, 'a field'), (at += 4), payload.readInt32BE(at - 4));
  const int64 = () => (need(8, 'a field'), (at += 8), Number(payload.readBigInt64BE(at - 8)));
  /** A count of items taking at least `each` bytes apiece. */
  const count = (each: number, what: string) => {
    const n = int32();
    if (n > (payload.length - at) / each) throw new RangeError(`the fetch response is malformed: ${n} ${what} in ${payload.length - at} bytes`);
    return n;
  };
  const string = () => {
    const n = int16();
    need(n, 'a name');
    const s = payload.toString('utf8', at, at + n);
    at += Math.max(0, n);
    return s;
  };
  int32(); // throttle time
  let errorCode = 0;
  if (version >= 7) {
    errorCode = int16();
    int32(); // session id
  }
  const partitions: FetchedPartition[] = [];
  const topics = count(6, 'topics');
  for (let t = 0; t < topics; t++) {
    const topic = string();
    const n = count(30 + (version >= 5 ? 8 : 0) + (version >= 11 ? 4 : 0), 'partitions');
    for (let p = 0; p < n; p++) {
      const partition = int32();
      const code = int16();
      const highWatermark = int64();
      const lastStableOffset = int64();
      const logStartOffset = version >= 5 ? int64() : -1;
      const abortedCount = count(16, 'aborted transactions');
      const aborted: AbortedTransaction[] = [];
      for (let a = 0; a < abortedCount; a++) aborted.push({ producerId: int64(), firstOffset: int64() });
      if (version >= 11) int32(); // preferred read replica
      const size = int32();
      if (size >= 0) need(size, "a partition's record set");
      const records = size < 0 ? null : payload.subarray(at, at + size);
      at += Math.max(0, size);
      partitions.push({ topic, partition, errorCode: code, highWatermark, lastStableOffset, logStartOffset, aborted, records });
    }
  }
  return { errorCode, partitions };
}
