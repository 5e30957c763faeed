import { autocompletion } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { codeHighlight } from './code-highlight';
import { projectionCompletions } from './completions';

interface Props {
  value: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter. */
  onRun(): void;
  eventTypes: string[];
  dark: boolean;
  /** What a screen reader calls the editor. */
  label?: string;
  /** Where the last run failed: marked in the gutter and underlined, with the message on hover. */
  errorAt?: { line: number; message: string } | null;
}

/** CodeMirror with TypeScript highlighting and completions for the event envelope. */
export function CodeEditor({ value, onChange, onRun, eventTypes, dark, label = 'Projection code', errorAt = null }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onRun, eventTypes });
  latest.current = { onChange, onRun, eventTypes };

  useEffect(() => {
    // In a shadow root CodeMirror styles itself with constructed stylesheets, which the strict
    // CSP (no inline <style>) allows; in the document it would inject <style> tags.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const mount = document.createElement('div');
    mount.className = 'editor-mount';
    mount.style.height = '100%';
    shadow.replaceChildren(mount);
    const v = new EditorView({
      parent: mount,
      root: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          lintGutter(),
          javascript({ typescript: true }),
          autocompletion({ override: [projectionCompletions(() => latest.current.eventTypes)] }),
          // Above basicSetup's own Mod-Enter (insert a blank line), which would otherwise win.
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (latest.current.onRun(), true) }])),
          codeHighlight(dark),
          EditorView.updateListener.of((u) => u.docChanged && latest.current.onChange(u.state.doc.toString())),
          EditorView.theme(
            {
              '&': { height: '100%', fontSize: '12.5px', color: 'var(--text)', backgroundColor: 'var(--panel)' },
              '&.cm-focused': { outline: 'none' },
              '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
              '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--faint)', borderRight: '1px solid var(--border)' },
              '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 6%, transparent)' },
              '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 10%, transparent)' },
              '.cm-cursor': { borderLeftColor: 'var(--text)' },
              '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { backgroundColor: 'var(--select) !important' },
              '.cm-tooltip': { backgroundColor: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' },
              '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-text)' },
            },
            { dark },
          ),
          // tabindex: a screen reader's and axe's sign that the editor (its scroller) takes focus.
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once per theme; later values flow through dispatch below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const line = errorAt && errorAt.line >= 1 && errorAt.line <= doc.lines ? doc.line(errorAt.line) : null;
    v.dispatch(setDiagnostics(v.state, line && errorAt ? [{ from: line.from, to: Math.max(line.from, line.to), severity: 'error', message: errorAt.message }] : []));
  }, [errorAt, dark]);

  return <div className="editor" ref={host} data-error-line={errorAt?.line ?? undefined} />;
}
