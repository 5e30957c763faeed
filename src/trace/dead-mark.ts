import type { Envelope } from '../model/envelope';
import type { TraceWhere } from '../model/trace';

/**
 * Why a step of a conversation counts as dead, or null: it sits in a dead-letter place (a DLT or
 * DLQ, a queue's failed jobs), or its headers are those a broker or framework writes when a
 * message dies (RabbitMQ's x-death, Spring Kafka's kafka_dlt-*, Kafka Connect's errors).
 */
export function deadMarkOf(where: TraceWhere, record: Envelope, inDeadPlace: boolean): string | null {
  const names = record.headers.map((h) => h.name.toLowerCase());
  const reason = (name: string) => record.headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  if (inDeadPlace) {
    const why = reason('failedreason') ?? reason('failed reason') ?? reason('kafka_dlt-exception-message') ?? reason('x-first-death-reason');
    return `In ${where.resource}, a dead-letter place${why ? `: ${why}` : ''}`;
  }
  if (names.includes('x-death')) return `Dead-lettered by RabbitMQ${reason('x-first-death-reason') ? ` (${reason('x-first-death-reason')})` : ''}`;
  if (names.some((n) => n.startsWith('kafka_dlt-'))) return `A dead-letter copy written by Spring Kafka${reason('kafka_dlt-exception-message') ? `: ${reason('kafka_dlt-exception-message')}` : ''}`;
  if (names.some((n) => n.startsWith('__connect.errors.'))) return 'A dead-letter copy written by Kafka Connect';
  return null;
}
