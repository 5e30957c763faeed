import { RewindError } from '../model/errors';
import type { QueryAnswer } from './query-wire';

const READ_ONLY_HINT = 'Read models are written by their projection: change the projection, rebuild, and save the run again.';

const article = (word: string) => (/^[AEIOU]/.test(word) ? 'an' : 'a');

/**
 * What the SQL box says when a query does not run. Each hint fits its cause: a refused write is
 * about the box being read-only (not about table names), a wrong name points at the table list,
 * a syntax error at the SQL itself; other SQLite messages stand on their own.
 */
export function refusal(answer: Extract<QueryAnswer, { ok: false }>): RewindError {
  if (answer.kind === 'read-only') {
    const what = answer.verb ? `this is ${article(answer.verb)} ${answer.verb}, and ` : '';
    return new RewindError('unsupported', `The query box is read-only: ${what}only SELECT and WITH … SELECT queries run here.`, READ_ONLY_HINT);
  }
  if (/^no such (table|column)/.test(answer.message)) return new RewindError('invalid_input', answer.message, 'Check table and column names in the list on the left.');
  if (/syntax error|incomplete input|unrecognized token/.test(answer.message)) {
    return new RewindError('invalid_input', answer.message, 'Check the SQL where SQLite points; only SELECT and WITH … SELECT queries run here.');
  }
  return new RewindError('invalid_input', answer.message);
}
