import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/**
 * Token colours per theme, each at least 4.5:1 against its editor background (#ffffff light,
 * #1b1f25 dark). CodeMirror's default style is made for light backgrounds: in the dark theme its
 * dark blue names were unreadable.
 */
const palette = {
  light: { keyword: '#7a3e9d', name: '#1d4f91', property: '#1d4f91', type: '#16707e', string: '#a31515', number: '#0b6e4f', comment: '#5f6b7a', punctuation: '#1d2330', invalid: '#b00020' },
  dark: { keyword: '#d6a5ff', name: '#9cdcfe', property: '#9cdcfe', type: '#5fd3bc', string: '#f1a98a', number: '#b5e0a0', comment: '#9aa5b1', punctuation: '#dde3ea', invalid: '#ff8a80' },
};

export function codeHighlight(dark: boolean) {
  const c = dark ? palette.dark : palette.light;
  return syntaxHighlighting(
    HighlightStyle.define([
      { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword, t.self, t.bool, t.null], color: c.keyword },
      { tag: [t.variableName, t.function(t.variableName), t.definition(t.variableName), t.labelName, t.name], color: c.name },
      { tag: [t.propertyName, t.function(t.propertyName), t.definition(t.propertyName)], color: c.property },
      { tag: [t.typeName, t.className, t.namespace, t.standard(t.typeName)], color: c.type },
      { tag: [t.string, t.special(t.string), t.regexp, t.escape], color: c.string },
      { tag: [t.number, t.integer, t.float], color: c.number },
      { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: c.comment, fontStyle: 'italic' },
      { tag: [t.operator, t.punctuation, t.bracket, t.separator, t.derefOperator], color: c.punctuation },
      { tag: t.invalid, color: c.invalid },
    ]),
  );
}
