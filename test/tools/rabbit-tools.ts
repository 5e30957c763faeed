import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';

/**
 * RabbitMQ input made by RabbitMQ itself and by a raw amqplib channel, never by Rewind: the
 * broker dead-letters messages (a reject through its management API, an expiry, an overflow,
 * a quorum queue's delivery limit), so tests read what real services leave behind.
 */
export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');
const vh = (vhost: string) => encodeURIComponent(vhost);

export async function management(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:15672/api${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok && r.status !== 404) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  const text = await r.text();
  return text ? (JSON.parse(text) as unknown) : null;
}

/** The broker rejects the head of a queue without requeue: it dead-letters it itself (reason "rejected"). */
export async function brokerRejects(queue: string, count: number, vhost = '/'): Promise<void> {
  await management('POST', `/queues/${vh(vhost)}/${encodeURIComponent(queue)}/get`, { count, ackmode: 'reject_requeue_false', encoding: 'auto' });
}

export async function depth(ch: Channel, queue: string): Promise<number> {
  return (await ch.checkQueue(queue)).messageCount;
}

export async function waitForDepth(ch: Channel, queue: string, n: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if ((await depth(ch, queue)) === n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${queue} never held ${n} messages (it holds ${await depth(ch, queue)})`);
}

/** Takes every message of a queue (acknowledging them), to check what it held. */
export async function drain(ch: Channel, queue: string): Promise<GetMessage[]> {
  const out: GetMessage[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) return out;
    out.push(m);
  }
}

export async function connect(): Promise<{ conn: ChannelModel; ch: Channel }> {
  const conn = await amqp.connect(AMQP_URL);
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  return { conn, ch };
}

/** Closes Rewind's AMQP connections from the broker's side, as an operator or a network fault would. */
export async function closeConnectionsOf(clientName: RegExp): Promise<number> {
  const conns = (await management('GET', '/connections')) as { name: string; client_properties?: { product?: string; information?: string; connection_name?: string } }[] | null;
  let closed = 0;
  for (const c of conns ?? []) {
    if (clientName.test(JSON.stringify(c.client_properties ?? {}))) {
      await management('DELETE', `/connections/${encodeURIComponent(c.name)}`);
      closed++;
    }
  }
  return closed;
}
