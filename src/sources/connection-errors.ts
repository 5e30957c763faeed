import { RewindError } from '../model/errors';

/** Collects the messages and codes of an error and everything it wraps. */
export function errorChain(e: unknown): { messages: string[]; codes: string[]; names: string[] } {
  const messages: string[] = [];
  const codes: string[] = [];
  const names: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = e;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const err = current as { message?: unknown; code?: unknown; name?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof err.message === 'string' && err.message) messages.push(err.message);
    if (typeof err.code === 'string' || typeof err.code === 'number') codes.push(String(err.code));
    if (typeof err.name === 'string') names.push(err.name);
    if (Array.isArray(err.errors) && err.errors[0]) {
      current = err.errors[0];
      continue;
    }
    current = err.cause ?? err.originalError;
  }
  if (typeof e === 'string') messages.push(e);
  return { messages, codes, names };
}

const TLS_PATTERN = /(SSL|TLS|certificate|wrong version number|EPROTO|self.signed|handshake|secure TLS connection)/i;

/**
 * Turns socket-level failures that every client sees (refused, unknown host, TLS, timeouts)
 * into errors that say what happened at which address and what to check. Returns null when
 * the error is not one of these.
 */
export function classifySocketError(e: unknown, address: string, tlsOn: boolean): RewindError | null {
  const { messages, codes } = errorChain(e);
  const text = messages.join(' | ');
  const has = (code: string) => codes.includes(code) || text.includes(code);
  if (has('ECONNREFUSED')) {
    return new RewindError('network', `Nothing is listening on ${address} (connection refused)`, 'Check that the broker is running and that the port is right.');
  }
  if (has('ENOTFOUND') || has('EAI_AGAIN')) {
    return new RewindError('network', `Host not found: ${address.replace(/:\d+$/, '')}`, 'Check the host name for typos.');
  }
  if (has('EHOSTUNREACH') || has('ENETUNREACH')) {
    return new RewindError('network', `No route to ${address}`, 'Check the address and your network.');
  }
  if (TLS_PATTERN.test(text) || codes.some((c) => c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS'))) {
    return new RewindError(
      'tls',
      `TLS handshake with ${address} failed: ${messages[messages.length - 1] ?? text}`,
      tlsOn ? 'The listener may not use TLS: turn TLS off, or check the port.' : 'The listener may require TLS: turn TLS on.',
    );
  }
  if (has('ETIMEDOUT') || /timed? ?out/i.test(text)) {
    return new RewindError('timeout', `No answer from ${address} in time`, tlsOn ? 'Check the address and that this port speaks TLS.' : 'Check the address; if the listener uses TLS, turn TLS on.');
  }
  if (has('ECONNRESET') || has('EPIPE') || /closed connection|connection closed|socket hang up/i.test(text)) {
    return new RewindError(
      'network',
      `${address} closed the connection`,
      tlsOn ? 'The port may not speak TLS, or the broker refused the client.' : 'The listener may require TLS or SASL: check those settings.',
    );
  }
  return null;
}
