import { connect } from 'node:net';

/**
 * Sends record batches to a Kafka partition exactly as given: one Produce request (version 7,
 * the first that may carry zstd; acks=all) written from the protocol's description, no client library in between, so a batch
 * built by hand (test/tools/kafka-batch.ts) and compressed by a command-line tool reaches the
 * broker byte for byte, as a third party's producer could send it. The broker validates it as it
 * validates any producer's; its answer is checked. Returns the base offset the broker gave.
 */
export async function produceRaw(bootstrap: string, topic: string, partition: number, batch: Buffer): Promise<number> {
  const [host, port] = bootstrap.split(':') as [string, string];
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(2);
    n.writeInt16BE(b.length);
    return Buffer.concat([n, b]);
  };
  const i16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const correlation = 7;
  const body = Buffer.concat([
    // Header v1: api key 0 (Produce), version 7, correlation id, client id.
    i16(0),
    i16(7),
    i32(correlation),
    str('rewind-test-raw'),
    // transactional_id null, acks -1, timeout 30 s, one topic with one partition.
    i16(-1),
    i16(-1),
    i32(30_000),
    i32(1),
    str(topic),
    i32(1),
    i32(partition),
    i32(batch.length),
    batch,
  ]);
  const response = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let got = Buffer.alloc(0);
    socket.setTimeout(60_000, () => socket.destroy(new Error('the broker did not answer the Produce request in 60 s')));
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.end();
        resolve(got.subarray(4, 4 + got.readInt32BE(0)));
      }
    });
    socket.write(Buffer.concat([i32(body.length), body]));
  });
  // correlation id, [topic name, [partition, error code, base offset, log append time]], throttle.
  if (response.readInt32BE(0) !== correlation) throw new Error('a Produce response for another request');
  let at = 4 + 4; // the topics array's length
  at += 2 + response.readInt16BE(at); // topic name
  at += 4; // the partitions array's length
  const error = response.readInt16BE(at + 4);
  if (error !== 0) throw new Error(`the broker refused the batch: error code ${error}`);
  return Number(response.readBigInt64BE(at + 6));
}
