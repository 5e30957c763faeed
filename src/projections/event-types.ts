import { RewindError } from '../model/errors';
import { ConditionError, parseJsonCondition } from '../model/json-condition';
import { describeTypeSource, type TypeSource } from '../model/type-source';
import type { TypeCounts, TypeSpec } from '../model/wire';

/** A TypeSource as the sandbox takes it: a JSON path parsed into its steps here, so errors say what is wrong. */
export function typeSpec(source: TypeSource | null | undefined): TypeSpec {
  if (!source) return null;
  if (source.kind === 'header') return { header: source.name };
  const hint = 'Write a path into the body, such as $.type or $.meta["event-type"].';
  if (!source.path.startsWith('$')) throw new RewindError('invalid_input', `A type path starts with $, the body: $.type, not “${source.path}”`, hint);
  let parsed;
  try {
    parsed = parseJsonCondition(source.path);
  } catch (e) {
    if (e instanceof ConditionError) throw new RewindError('invalid_input', `The type path ${source.path} is not one: ${e.message}`, hint);
    throw e;
  }
  if (parsed.op !== null) throw new RewindError('invalid_input', `A type path is a path alone, without a comparison: ${source.path}`, hint);
  if (parsed.path.length === 0) throw new RewindError('invalid_input', '$ is the whole body: point at the type inside it', hint);
  return { path: parsed.path };
}

const n = (x: number) => x.toLocaleString('en-US');

/** A list as people say it: the first few, then how many more. */
function some(items: string[], shown: number): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${n(items.length - shown)} more`;
}

/**
 * What a run says when its handlers took none of its events, or only a few while a handler saw
 * none of its type (most often: the type is not where Rewind looked). Null when it went as meant.
 */
export function typeNotice(processed: number, counts: TypeCounts, from: TypeSource | null): string | null {
  if (processed === 0 || counts.any) return null;
  const unseen = counts.unseen;
  const few = counts.matched * 10 < processed && unseen.length > 0;
  if (counts.matched > 0 && !few) return null;
  const listed = counts.types.map(([type, count]) => `${type} (${n(count)})`);
  const more = counts.distinct - counts.types.length + (counts.omitted > 0 ? 1 : 0);
  const types = `${listed.length === 1 && more === 0 ? 'the type' : 'the types'} ${some(listed, 5)}${listed.length <= 5 && more > 0 ? ` and ${n(more)} more` : ''}`;
  const where = from ? ` Types were read from ${describeTypeSource(from)}.` : ' Say where the type is: a header, or a JSON path such as $.type.';
  if (counts.matched === 0) {
    const handlers = counts.handlers.length > 0 ? `the handlers take ${some(counts.handlers, 10)}` : 'the projection has no handlers';
    return `No event matched a handler: the ${n(processed)} events had ${types}, and ${handlers}.${where}`;
  }
  const missing = `${unseen.length === 1 ? 'the type' : 'the types'} ${some(unseen, 10)}`;
  return `Only ${n(counts.matched)} of ${n(processed)} events matched a handler, and none had ${missing}: the events had ${types}.${where}`;
}
