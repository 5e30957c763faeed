import type { SourceAdapter } from '../sources/source-adapter';
import { RewindError } from '../model/errors';
import type { Envelope } from '../model/envelope';
import { WHOLE_VALUE_BYTES, type Payload } from '../model/payload';
import type { ReadTarget } from '../model/resources';

/**
 * Reads one record again, from its own position, keeping up to WHOLE_VALUE_BYTES of its value:
 * the record lists ship previews, and Copy must give what the broker holds, not the preview.
 */
export async function wholeValue(adapter: SourceAdapter, target: ReadTarget, position: string, isolation: 'read_committed' | 'read_uncommitted' | undefined, signal: AbortSignal): Promise<Payload> {
  let found: Envelope | null = null;
  await adapter.read({
    target,
    from: { type: 'position', value: position },
    limit: 1,
    previewBytes: WHOLE_VALUE_BYTES,
    ...(isolation ? { isolation } : {}),
    signal,
    onBatch: (items) => {
      found ??= items.find((e) => e.position === position) ?? null;
    },
    onProgress: () => undefined,
  });
  const envelope = found as Envelope | null;
  if (!envelope) throw new RewindError('not_found', `Nothing at position ${position} any more`, 'It may have been deleted by retention or compaction; read the list again.');
  return envelope.payload;
}
