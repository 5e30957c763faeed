/**
 * Pretty-prints JSON text token by token, never through JSON.parse: every number keeps its digits
 * (12345678901234567891, 1.0, 1e2), every key is kept (duplicates too, in order), every string
 * keeps its escapes. Only the whitespace between tokens changes. Copy uses the original text.
 */
export interface JsonPart {
  text: string;
  cls?: 'j-key' | 'j-str' | 'j-num' | 'j-lit';
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;

/** The parts to render, or null when the text is not JSON (then show it as text). */
export function prettyJson(text: string, indent = 2): JsonPart[] | null {
  const out: JsonPart[] = [];
  let at = 0;
  let depth = 0;
  const pad = () => '\n' + ' '.repeat(depth * indent);
  const match = (re: RegExp) => {
    re.lastIndex = at;
    const m = re.exec(text);
    return m ? m[0] : null;
  };
  const skip = () => {
    at += match(SPACE)!.length;
  };

  function value(): boolean {
    skip();
    const c = text[at];
    if (c === '{' || c === '[') return container(c);
    if (c === '"') {
      const s = match(STRING);
      if (s === null) return false;
      out.push({ text: s, cls: 'j-str' });
      at += s.length;
      return true;
    }
    const n = match(NUMBER);
    if (n !== null) {
      out.push({ text: n, cls: 'j-num' });
      at += n.length;
      return true;
    }
    const l = match(LITERAL);
    if (l !== null) {
      out.push({ text: l, cls: 'j-lit' });
      at += l.length;
      return true;
    }
    return false;
  }

  function container(open: '{' | '['): boolean {
    const close = open === '{' ? '}' : ']';
    at++;
    skip();
    if (text[at] === close) {
      at++;
      out.push({ text: open + close });
      return true;
    }
    out.push({ text: open });
    depth++;
    for (;;) {
      out.push({ text: pad() });
      if (open === '{') {
        skip();
        const key = match(STRING);
        if (key === null) return false;
        out.push({ text: key, cls: 'j-key' });
        at += key.length;
        skip();
        if (text[at] !== ':') return false;
        at++;
        out.push({ text: ': ' });
      }
      if (!value()) return false;
      skip();
      if (text[at] === ',') {
        at++;
        out.push({ text: ',' });
        continue;
      }
      if (text[at] !== close) return false;
      at++;
      depth--;
      out.push({ text: pad() + close });
      return true;
    }
  }

  if (!value()) return null;
  skip();
  return at === text.length ? out : null;
}
