import type { ConsumeMessage, Options } from 'amqplib';
import { RewindError } from '../../model/errors';
import { copiesPerBatch, copyBytes, headerValue, payloadBytes, type ComposedMessage, type ComposeTarget, type PublishPreview, type PublishProgress } from '../../model/compose';
import type { ComposeAbility, SentCopies } from '../source-adapter';
import type { RabbitAccess } from './rabbit-dead-letters';
import { route } from './routing';

function publishOptions(m: ComposedMessage): Options.Publish {
  const p = m.properties ?? {};
  const o: Options.Publish = { mandatory: true, headers: Object.fromEntries(m.headers.map((h) => [h.name, headerValue(h)])) };
  if (p.contentType) o.contentType = p.contentType;
  else if (m.payload.format === 'json') o.contentType = 'application/json';
  if (p.contentEncoding) o.contentEncoding = p.contentEncoding;
  if (p.messageId) o.messageId = p.messageId;
  if (p.correlationId) o.correlationId = p.correlationId;
  if (p.type) o.type = p.type;
  if (p.appId) o.appId = p.appId;
  if (p.replyTo) o.replyTo = p.replyTo;
  if (p.expiration) o.expiration = p.expiration;
  if (p.priority !== undefined) o.priority = p.priority;
  o.persistent = p.persistent ?? true;
  o.timestamp = Math.floor(Date.now() / 1000);
  return o;
}

/** Publishing to an exchange: where the bindings send it, then the broker's own answer beside that. */
export class RabbitCompose implements ComposeAbility {
  constructor(private readonly rabbit: RabbitAccess) {}

  async preview(target: ComposeTarget, message: ComposedMessage, signal: AbortSignal): Promise<PublishPreview> {
    if (target.kind !== 'exchange') throw new RewindError('invalid_input', 'RabbitMQ publishes to an exchange');
    const topology = await this.rabbit.topology(target.vhost, signal);
    const r = route(topology, { exchange: target.exchange, routingKey: target.routingKey, headers: Object.fromEntries(message.headers.map((h) => [h.name, headerValue(h)])) });
    if (!r.ok) return { routes: [], problem: r.error };
    return {
      routes: r.routes.map((x) => ({ to: x.queue, path: x.path })),
      problem: r.routes.length === 0 ? 'unroutable: it would be dropped (or returned, since Rewind publishes with mandatory)' : null,
    };
  }

  async send(target: ComposeTarget, message: ComposedMessage, count: number, { signal, onProgress }: { signal: AbortSignal; onProgress(p: PublishProgress): void }): Promise<SentCopies> {
    if (target.kind !== 'exchange') throw new RewindError('invalid_input', 'RabbitMQ publishes to an exchange');
    if (message.payload.registry) throw new RewindError('invalid_input', 'RabbitMQ has no schema registry', 'Send the JSON as it is, or as bytes in base64.');
    const predicted = await this.preview(target, message, signal).catch(() => null);
    if (predicted?.problem && /does not exist|internal/.test(predicted.problem)) throw new RewindError('not_found', predicted.problem, 'Pick an exchange that exists.');
    const conn = await this.rabbit.connectTo(target.vhost);
    conn.on('error', () => undefined);
    try {
      const ch = await conn.createConfirmChannel();
      let refused: Error | null = null;
      ch.on('error', (e: Error) => (refused = e));
      let returned = 0;
      // With mandatory, a return comes before the confirm of the same message.
      ch.on('return', (_m: ConsumeMessage) => returned++);
      const body = payloadBytes(message.payload);
      const options = publishOptions(message);
      const batch = copiesPerBatch(copyBytes(message));
      let sent = 0;
      // One batch in flight at a time: memory holds one batch, and a stop takes effect at the next.
      while (sent < count && !signal.aborted) {
        const n = Math.min(batch, count - sent);
        for (let i = 0; i < n; i++) ch.publish(target.exchange, target.routingKey, body, options);
        onProgress({ sent, inFlight: n, total: count });
        await confirmedWithin(
          ch.waitForConfirms().catch((e: unknown) => {
            throw refused ? refusedError(refused) : e;
          }),
          n,
        );
        sent += n;
        onProgress({ sent, inFlight: 0, total: count });
      }
      await ch.close().catch(() => undefined);
      const routed = returned === 0;
      const expected = predicted ? predicted.routes.length > 0 : null;
      const mismatch =
        sent === 0 || expected === null || expected === routed
          ? null
          : `Rewind predicted ${expected ? `routes to ${predicted!.routes.map((r) => r.to).join(', ')}` : 'no route'}, but the broker ${routed ? 'confirmed it without returning it' : 'returned it'}: this is a bug in Rewind's routing simulator.`;
      return { sent, requested: count, routed: sent === 0 ? null : routed, returned: sent === 0 ? null : !routed, returnedCount: returned, predicted, mismatch, offsets: [], ranges: [] };
    } catch (e) {
      throw e instanceof RewindError ? e : this.rabbit.fail(e);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }
}

/** How long the broker may take to confirm a batch before the publish stops with a timeout. */
const CONFIRM_WAIT_MS = 15_000;

/**
 * A broker under a memory or disk alarm blocks publishers without a word: the wait for confirms
 * ends after CONFIRM_WAIT_MS and says what is in doubt. (A stop takes effect after the batch's
 * answer, so its outcome counts that batch exactly.)
 */
async function confirmedWithin(confirms: Promise<unknown>, n: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RewindError(
            'timeout',
            `RabbitMQ has not confirmed the last ${n.toLocaleString('en-US')} messages in ${CONFIRM_WAIT_MS / 1000} s`,
            'The broker may be blocking publishers (a memory or disk alarm: see its management page). Those messages may still arrive.',
          ),
        ),
      CONFIRM_WAIT_MS,
    );
  });
  try {
    await Promise.race([confirms, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

function refusedError(e: Error): RewindError {
  if (/ACCESS_REFUSED|403/.test(e.message)) return new RewindError('auth', `RabbitMQ refused the publish: ${e.message}`, 'The user needs write permission on this exchange.');
  if (/NOT_FOUND|404/.test(e.message)) return new RewindError('not_found', `RabbitMQ: ${e.message}`, 'Pick an exchange that exists.');
  return new RewindError('invalid_input', `RabbitMQ refused the message: ${e.message}`);
}
