import { RewindError } from '../model/errors';

/**
 * The most bytes Rewind takes from a broker in one piece: a Kafka record batch or a RabbitMQ
 * sub-entry batch once decompressed (whatever the codec), and a RabbitMQ stream chunk as it
 * arrives. A decompression bomb or a frame that claims gigabytes stops here, before the memory is
 * taken. 256 MB by default (a broker's own limits are far lower: Kafka's message.max.bytes is
 * 1 MB, RabbitMQ's max_message_size 16 to 128 MB); REWIND_BATCH_MAX_MB changes it, read on use.
 */
const DEFAULT_MB = 256;
export const BATCH_LIMIT_VARIABLE = 'REWIND_BATCH_MAX_MB';

export function batchLimitMb(): number {
  const set = Number(process.env[BATCH_LIMIT_VARIABLE]);
  return Number.isFinite(set) && set >= 1 ? Math.floor(set) : DEFAULT_MB;
}

export function batchLimitBytes(): number {
  return batchLimitMb() * 1024 * 1024;
}

/** `what` ("t/0: the zstd batch at offset 120 decompresses to") followed by the limit it passed. */
export function overBatchLimit(what: string): RewindError {
  const mb = batchLimitMb();
  return new RewindError(
    'limit',
    `${what} more than ${mb} MB, the most Rewind takes in one batch`,
    `If it is genuine, start Rewind with ${BATCH_LIMIT_VARIABLE} set higher (in MB, for example ${BATCH_LIMIT_VARIABLE}=${mb * 4}).`,
  );
}
