import { TraceFileHead, TraceMember, type TraceRequest, type TraceSummary } from '../../../src/model/trace';

/** A trace as JSON lines: a first line saying what was traced and found, then one member per line. */
export function traceFileText(request: TraceRequest, summary: TraceSummary, members: TraceMember[]): string {
  const head: TraceFileHead = { rewindTrace: 1, request, summary };
  return [JSON.stringify(head), ...members.map((m) => JSON.stringify(m))].join('\n') + '\n';
}

/** A trace file read back, every line checked; a line that is not a member is named by its number. */
export function readTraceFile(text: string): { head: TraceFileHead; members: TraceMember[] } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error('The file is empty: it holds no trace.');
  let head: TraceFileHead;
  try {
    head = TraceFileHead.parse(JSON.parse(lines[0]!));
  } catch {
    throw new Error('This is not a trace Rewind exported: its first line does not say what was traced. Export a trace from its tab, then open that file.');
  }
  const members = lines.slice(1).map((line, i) => {
    try {
      return TraceMember.parse(JSON.parse(line));
    } catch {
      throw new Error(`Line ${i + 2} of the trace file is not a message of the trace.`);
    }
  });
  return { head, members };
}
