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
  const int16 = () => ((at += 2), payload.readInt16BE(at - 2));
  const int32 = () => ((at += 4), payload.readInt32BE(at - 4));
  const int64 = () => ((at += 8), Number(payload.readBigInt64BE(at - 8)));
  const string = () => {
    const n = int16();
    const s = payload.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  int32(); // throttle time
  let errorCode = 0;
  if (version >= 7) {
    errorCode = int16();
    int32(); // session id
  }
  const partitions: FetchedPartition[] = [];
  const topics = int32();
  for (let t = 0; t < topics; t++) {
    const topic = string();
    const count = int32();
    for (let p = 0; p < count; p++) {
      const partition = int32();
      const code = int16();
      const highWatermark = int64();
      const lastStableOffset = int64();
      const logStartOffset = version >= 5 ? int64() : -1;
      const abortedCount = int32();
      const aborted: AbortedTransaction[] = [];
      for (let a = 0; a < abortedCount; a++) aborted.push({ producerId: int64(), firstOffset: int64() });
      if (version >= 11) int32(); // preferred read replica
      const size = int32();
      const records = size < 0 ? null : payload.subarray(at, at + size);
      at += Math.max(0, size);
      partitions.push({ topic, partition, errorCode: code, highWatermark, lastStableOffset, logStartOffset, aborted, records });
    }
  }
  return { errorCode, partitions };
}
