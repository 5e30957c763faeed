import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// jsdom has no layout: give scroll containers a viewport so virtualized tables render a window of
// rows as in a browser (24 px rows in a 240 px body: about ten rows plus the overscan).
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 240 });
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 240 });
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });

// A scroll container is as tall as its children say (a virtualized body sets its total height inline).
Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
  configurable: true,
  get(this: HTMLElement) {
    let h = 0;
    for (const child of this.children) h += parseFloat((child as HTMLElement).style.height) || 0;
    return Math.max(h, this.clientHeight);
  },
});

// Scrolling moves the offset and fires `scroll` a moment later, as a browser does (jsdom keeps
// scrollTop at 0).
const offsets = new WeakMap<Element, number>();
Object.defineProperty(Element.prototype, 'scrollTop', {
  configurable: true,
  get(this: Element) {
    return offsets.get(this) ?? 0;
  },
  set(this: Element, top: number) {
    offsets.set(this, Math.max(0, Math.min(top, this.scrollHeight - this.clientHeight)));
    setTimeout(() => this.dispatchEvent(new Event('scroll')), 0);
  },
});
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number, y?: number) {
  const top = typeof options === 'number' ? y : options?.top;
  if (top !== undefined) this.scrollTop = top;
} as Element['scrollTo'];

afterEach(() => cleanup());
