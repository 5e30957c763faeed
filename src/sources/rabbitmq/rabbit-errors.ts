import { RewindError } from '../../model/errors';
import { classifySocketError, errorChain } from '../connection-errors';

/** RabbitMQ's loopback_users default: guest may log in only over a loopback connection. */
const isLoopback = (address: string) => /^(127\.|localhost:|\[?::1\]?:)/i.test(address);

export function classifyRabbitError(e: unknown, address: string, tlsOn: boolean, vhost: string, username = ''): RewindError {
  if (e instanceof RewindError) return e;
  const { messages, names } = errorChain(e);
  const text = messages.join(' | ');
  if (names.includes('AbortError')) return new RewindError('cancelled', 'Cancelled');
  // amqplib reports a refused vhost only as an unexpected close during the open handshake.
  if (/Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
    return new RewindError('not_found', `RabbitMQ would not open vhost "${vhost}"`, 'Check the vhost name and that this user has permissions on it.');
  }
  if (/ACCESS.REFUSED|403/.test(text) && /login|auth|refused/i.test(text)) {
    // The broker says the same for both; only guest away from localhost has the second cause.
    const guestRemote = username === 'guest' && !isLoopback(address);
    return new RewindError(
      'auth',
      'RabbitMQ refused the user name or password (ACCESS_REFUSED)',
      guestRemote ? 'guest may only log in from localhost unless the broker allows it: use another user for a remote broker.' : 'Check the user name and password.',
    );
  }
  if (/vhost .* not found|NOT_ALLOWED/i.test(text)) {
    return new RewindError('not_found', `RabbitMQ: ${lastLine(messages)}`, 'Check the vhost name and that this user may use it.');
  }
  if (/NOT_FOUND|404/.test(text)) {
    return new RewindError('not_found', `RabbitMQ: ${lastLine(messages)}`, 'Refresh the queue list.');
  }
  if (/PRECONDITION_FAILED|406/.test(text)) {
    return new RewindError('conflict', `RabbitMQ: ${lastLine(messages)}`);
  }
  const socket = classifySocketError(e, address, tlsOn);
  if (socket) return socket;
  return new RewindError('internal', `RabbitMQ: ${lastLine(messages) || 'unexpected error'}`);
}

function lastLine(messages: string[]): string {
  return (messages[0] ?? '').replace(/^Operation failed: /, '');
}
