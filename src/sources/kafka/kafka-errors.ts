import { RewindError } from '../../model/errors';
import { classifySocketError, errorChain } from '../connection-errors';

export function classifyKafkaError(e: unknown, address: string, tlsOn: boolean): RewindError {
  if (e instanceof RewindError) return e;
  const { messages, names, codes } = errorChain(e);
  const text = messages.join(' | ');
  if (names.includes('AbortError')) return new RewindError('cancelled', 'Cancelled');
  if (names.includes('KafkaJSSASLAuthenticationError') || /SASL.*(authentication failed|Authentication failed)/i.test(text)) {
    return new RewindError('auth', `The broker refused the credentials: ${messages[messages.length - 1] ?? text}`, 'Check the user name, password and SASL mechanism.');
  }
  if (/UNSUPPORTED_SASL_MECHANISM|unsupported SASL mechanism/i.test(text)) {
    return new RewindError('auth', `The broker does not accept this SASL mechanism: ${text}`, 'Pick the mechanism the listener is configured for.');
  }
  if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition|This server does not host/i.test(text) || codes.includes('3')) {
    return new RewindError('not_found', 'The topic or partition does not exist', 'Refresh the topic list.');
  }
  if (/TOPIC_AUTHORIZATION_FAILED|GROUP_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|not authorized/i.test(text)) {
    return new RewindError('auth', `Not authorized: ${text}`, 'Ask for ACLs that allow describe and read.');
  }
  const socket = classifySocketError(e, address, tlsOn);
  if (socket) return socket;
  return new RewindError('internal', `Kafka: ${messages[messages.length - 1] ?? 'unexpected error'}`);
}
