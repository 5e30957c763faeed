import type { KeyboardEvent } from 'react';

const TABBABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]',
  '[contenteditable="true"]',
].join(', ');

const visible = (el: HTMLElement) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';

/** The elements Tab reaches inside `root`, in document order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.tabIndex >= 0 && !el.closest('[inert], [hidden]') && visible(el));
}

/** The first field to type into (an input, a select, a text area, an editor), else the first tabbable. */
export function firstField(root: HTMLElement): HTMLElement | null {
  const all = tabbables(root);
  return (
    all.find((el) => el.matches('input:not([type="checkbox"]):not([type="radio"]), select, textarea, [contenteditable="true"]')) ??
    all.find((el) => !el.matches('[aria-label="Close"]')) ??
    all[0] ??
    null
  );
}

/**
 * Arrow keys for a list of buttons (a partition list, a list of read models or sources): Up/Down
 * (or Left/Right for a horizontal one) move focus to the neighbour, Home/End to the ends. Put it on
 * the list's element; `items` picks the list's own buttons.
 */
export function moveFocusInList(e: KeyboardEvent<HTMLElement>, items = ':scope > li > button, :scope > button', orientation: 'vertical' | 'horizontal' = 'vertical') {
  const prev = orientation === 'vertical' ? 'ArrowUp' : 'ArrowLeft';
  const next = orientation === 'vertical' ? 'ArrowDown' : 'ArrowRight';
  if (![prev, next, 'Home', 'End'].includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>(items)].filter((el) => !(el as HTMLButtonElement).disabled);
  if (all.length === 0) return;
  const at = all.indexOf(document.activeElement as HTMLElement);
  const to = e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : e.key === next ? Math.min(all.length - 1, at + 1) : at < 0 ? all.length - 1 : Math.max(0, at - 1);
  e.preventDefault();
  all[to]!.focus();
}
