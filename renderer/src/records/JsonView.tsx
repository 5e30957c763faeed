import { useMemo } from 'react';
import { prettyJson } from './json-pretty';

/**
 * Pretty JSON with colours for keys, strings, numbers and literals, printed from the exact text
 * (numbers keep their digits, duplicate keys stay); text that is not JSON is shown as it is.
 */
export function JsonView({ text }: { text: string }) {
  const parts = useMemo(() => prettyJson(text), [text]);
  return (
    <pre className="code" data-testid="payload-json">
      {parts
        ? parts.map((p, i) =>
            p.cls ? (
              <span key={i} className={p.cls}>
                {p.text}
              </span>
            ) : (
              p.text
            ),
          )
        : text}
    </pre>
  );
}

export function HexView({ base64 }: { base64: string }) {
  const lines = useMemo(() => hexDump(base64), [base64]);
  return <pre className="code">{lines}</pre>;
}

/** Offset, hex and printable ASCII, 16 bytes a line; the first 4 KB. */
export function hexDump(base64: string, limit = 4096): string {
  const bin = atob(base64);
  const shown = Math.min(bin.length, limit);
  const out: string[] = [];
  for (let off = 0; off < shown; off += 16) {
    const chunk = Array.from(bin.slice(off, Math.min(off + 16, shown)), (c) => c.charCodeAt(0));
    const hex = chunk
      .map((b) => b.toString(16).padStart(2, '0'))
      .join(' ')
      .padEnd(47, ' ');
    const ascii = chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    out.push(`${off.toString(16).padStart(8, '0')}  ${hex}  |${ascii}|`);
  }
  if (bin.length > shown) out.push(`… ${bin.length - shown} more bytes`);
  return out.join('\n');
}

/** Bytes as space-separated hex, for short values such as header values. */
export function hexBytes(base64: string): string {
  return Array.from(atob(base64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
}
