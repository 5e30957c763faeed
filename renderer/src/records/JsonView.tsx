import { useMemo } from 'react';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** Pretty JSON with colours for keys, strings, numbers and literals; plain text stays selectable. */
export function JsonView({ value }: { value: unknown }) {
  const parts = useMemo(() => {
    const text = JSON.stringify(value, null, 2) ?? 'undefined';
    const out: { text: string; cls?: string }[] = [];
    let last = 0;
    for (const m of text.matchAll(TOKEN)) {
      const at = m.index ?? 0;
      if (at > last) out.push({ text: text.slice(last, at) });
      if (m[1] !== undefined) {
        out.push({ text: m[1], cls: m[2] ? 'j-key' : 'j-str' });
        if (m[2]) out.push({ text: m[2] });
      } else if (m[3] !== undefined) out.push({ text: m[3], cls: 'j-num' });
      else out.push({ text: m[0], cls: 'j-lit' });
      last = at + m[0].length;
    }
    if (last < text.length) out.push({ text: text.slice(last) });
    return out;
  }, [value]);
  return (
    <pre className="code" data-testid="payload-json">
      {parts.map((p, i) => (p.cls ? <span key={i} className={p.cls}>{p.text}</span> : p.text))}
    </pre>
  );
}

export function HexView({ base64 }: { base64: string }) {
  const lines = useMemo(() => {
    const bin = atob(base64);
    const shown = Math.min(bin.length, 4096);
    const out: string[] = [];
    for (let off = 0; off < shown; off += 16) {
      const chunk = Array.from(bin.slice(off, Math.min(off + 16, shown)), (c) => c.charCodeAt(0));
      const hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
      const ascii = chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      out.push(`${off.toString(16).padStart(8, '0')}  ${hex}  |${ascii}|`);
    }
    if (bin.length > shown) out.push(`… ${bin.length - shown} more bytes`);
    return out.join('\n');
  }, [base64]);
  return <pre className="code">{lines}</pre>;
}
