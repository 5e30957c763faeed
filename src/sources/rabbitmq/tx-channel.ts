import type { Channel } from 'amqplib';

/**
 * AMQP 0-9-1 transactions (class `tx`, 90): amqplib speaks the methods but has no call for them.
 * On a transactional channel acks and nacks take effect together at the commit, so after a
 * commit-ok Rewind knows exactly which messages left the source queue.
 */
interface RpcChannel {
  rpc(method: number, fields: object, expect: number): Promise<unknown>;
}
const TX = { select: (90 << 16) | 10, selectOk: (90 << 16) | 11, commit: (90 << 16) | 20, commitOk: (90 << 16) | 21 };

export async function txSelect(channel: Channel): Promise<void> {
  await (channel as unknown as RpcChannel).rpc(TX.select, {}, TX.selectOk);
}

export async function txCommit(channel: Channel): Promise<void> {
  await (channel as unknown as RpcChannel).rpc(TX.commit, {}, TX.commitOk);
}
