import type { RedriveOutcome } from '../model/redrive';

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/**
 * The outcome of a redrive in words. It never reads as plain success unless exactly what the
 * user confirmed moved: a shortfall, a stop, failures and anything in both places are each said.
 */
export function redriveSummary(o: Omit<RedriveOutcome, 'auditId' | 'summary'>, from: string): string {
  const parts: string[] = [];
  const confirmed = o.confirmedCount;
  const complete = o.stoppedBy === 'done' && o.failures.length === 0 && o.duplicates === 0 && o.uncertain === 0 && (confirmed === null || o.moved === confirmed);
  if (complete) parts.push(`Moved ${confirmed === null ? plural(o.moved, 'message') : `all ${plural(o.moved, 'message')} you confirmed`} from ${from}.`);
  else {
    parts.push(`Moved ${n(o.moved)}${confirmed !== null ? ` of the ${n(confirmed)} you confirmed` : ''} from ${from}.`);
    if (o.stoppedBy === 'emptied')
      parts.push(`${from} held no more${confirmed !== null && o.looked < confirmed ? ` (${n(confirmed - o.looked)} fewer than confirmed: taken by someone else, or expired)` : ''}.`);
    if (o.stoppedBy === 'cancelled') parts.push('Stopped on request: what was in flight was settled, the rest stays.');
    if (o.stoppedBy === 'error' && o.error) parts.push(`Stopped by an error: ${o.error.message}.`);
    if (o.failures.length > 0) parts.push(`${plural(o.failures.length, 'message')} could not go and stay in ${from} (listed with why).`);
  }
  if (o.settled) {
    parts.push(
      `The connection dropped with messages in flight; on a fresh connection Rewind looked: ${n(o.settled.moved)} had reached their target (their dead-letter copy was then removed), ${n(o.settled.notSent)} had not and stay in ${from}${o.settled.uncertain ? `, ${n(o.settled.uncertain)} could not be checked` : ''}.`,
    );
  }
  if (o.duplicates > 0) parts.push(`${plural(o.duplicates, 'message is', 'messages are')} in both places (listed).`);
  if (o.uncertain > 0) parts.push(`${plural(o.uncertain, 'message is', 'messages are')} perhaps in both places: Rewind could not tell (listed with why).`);
  return parts.join(' ');
}
