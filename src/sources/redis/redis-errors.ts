import { RewindError } from '../../model/errors';
import { classifySocketError, errorChain } from '../connection-errors';

/** What Redis and ioredis say, as errors that name the cause and what to do. */
export function classifyRedisError(e: unknown, address: string, tlsOn: boolean): RewindError {
  if (e instanceof RewindError) return e;
  const { messages, names } = errorChain(e);
  const text = messages.join(' | ');
  if (names.includes('AbortError')) return new RewindError('cancelled', 'Cancelled');
  if (/WRONGPASS|invalid username-password pair|NOAUTH|AUTH failed|invalid password/i.test(text)) {
    return new RewindError('auth', 'Redis refused the user name or password (WRONGPASS)', 'Check the user name (ACL) and password; leave the user empty for the default user.');
  }
  if (/NOPERM/.test(text)) {
    return new RewindError(
      'auth',
      `Redis: this user may not run a command Rewind needs (${first(messages)})`,
      'Give the user read access (+@read, +scan, +info) and, to retry jobs, +@write and +evalsha.',
    );
  }
  if (/ERR DB index is out of range|invalid DB index/i.test(text)) {
    return new RewindError('invalid_input', 'Redis has no such database number', 'Use a database from 0 to the server\'s "databases" setting (16 by default).');
  }
  if (/WRONGTYPE/.test(text)) return new RewindError('conflict', `Redis: that key holds another type of value (${first(messages)})`, 'Reload the list: the key changed since it was listed.');
  const socket = classifySocketError(e, address, tlsOn);
  if (socket) return socket;
  if (/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|max retries per request/i.test(text)) {
    return new RewindError('network', `The connection to Redis at ${address} was closed`, 'Check that the server is running, then try again.');
  }
  return new RewindError('internal', `Redis: ${first(messages) || 'unexpected error'}`);
}

const first = (messages: string[]) => messages[0] ?? '';
