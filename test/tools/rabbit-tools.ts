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

/** A vhost of the test's own (guest may use it), so what other tests do on "/" never shows up in counts. */
export async function createVhost(vhost: string): Promise<void> {
  await management('PUT', `/vhosts/${vh(vhost)}`, {});
  await management('PUT', `/permissions/${vh(vhost)}/guest`, { configure: '.*', write: '.*', read: '.*' });
}

export async function deleteVhost(vhost: string): Promise<void> {
  await management('DELETE', `/vhosts/${vh(vhost)}`);
}

/** A broker user with the given tags and, per vhost, full permissions. */
export async function createUser(name: string, password: string, tags: string[], vhosts: string[]): Promise<void> {
  await management('PUT', `/users/${encodeURIComponent(name)}`, { password, tags: tags.join(',') });
  for (const v of vhosts) await management('PUT', `/permissions/${vh(v)}/${encodeURIComponent(name)}`, { configure: '.*', write: '.*', read: '.*' });
}

export async function deleteUser(name: string): Promise<void> {
  await management('DELETE', `/users/${encodeURIComponent(name)}`);
}

/** Topology made through the management API, as an operator or a definitions file would. */
export const declare = {
  exchange: (vhost: string, name: string, type: string, args: Record<string, unknown> = {}, internal = false) =>
    management('PUT', `/exchanges/${vh(vhost)}/${encodeURIComponent(name)}`, { type, durable: true, auto_delete: false, internal, arguments: args }),
  queue: (vhost: string, name: string, args: Record<string, unknown> = {}) =>
    management('PUT', `/queues/${vh(vhost)}/${encodeURIComponent(name)}`, { durable: true, auto_delete: false, arguments: args }),
  bind: (vhost: string, source: string, destination: string, routingKey: string, args: Record<string, unknown> = {}, to: 'q' | 'e' = 'q') =>
    management('POST', `/bindings/${vh(vhost)}/e/${encodeURIComponent(source)}/${to}/${encodeURIComponent(destination)}`, { routing_key: routingKey, arguments: args }),
  policy: (vhost: string, name: string, pattern: string, definition: Record<string, unknown>, applyTo: 'queues' | 'exchanges' | 'all', priority = 0) =>
    management('PUT', `/policies/${vh(vhost)}/${encodeURIComponent(name)}`, { pattern, definition, 'apply-to': applyTo, priority }),
};

/** rabbitmqctl's own answer (as root, as the broker's scripts run it), parsed from its JSON formatter. */
export async function rabbitmqctl<T>(args: string[]): Promise<T> {
  const { execFile } = await import('node:child_process');
  const [cmd, full] = process.getuid?.() === 0 ? ['rabbitmqctl', args] : ['sudo', ['rabbitmqctl', ...args]];
  const out = await new Promise<string>((resolve, reject) =>
    execFile(cmd, [...full, '--formatter', 'json', '-q'], { maxBuffer: 256 * 1024 * 1024 }, (e, stdout, stderr) =>
      e ? reject(new Error(`${args.join(' ')}: ${stderr || e.message}`)) : resolve(stdout),
    ),
  );
  return JSON.parse(out) as T;
}

/**
 * Waits until the management API itself shows something (a policy applied, a connection's first
 * stats): the broker publishes those every few seconds, so a reader that looks at once sees less.
 */
export async function untilManagement(path: string, test: (body: unknown) => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (test(await management('GET', path))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the management API never showed what was waited for at ${path}`);
}
